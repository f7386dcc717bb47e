"""Regular expressions a person types (an ingress route's dial-string pattern), compiled with RE2.

RE2 matches in time linear in the input whatever the pattern, so a pattern such as `((\\d+)+)+x`
cannot stall calls the way a backtracking engine does. Features that need backtracking
(back-references, look-around) are refused when the pattern is saved.
"""

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is a form error, not a line on stderr
_OPTIONS.max_mem = 1 << 20  # a dial-string filter needs far less; bounds a pattern's program size


class PatternError(ValueError):
    pass


def compile_pattern(pattern: str):
    """The compiled pattern (`.search(text)` like `re`), or PatternError saying why not."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        why = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise PatternError(f"Not a pattern the routing engine accepts: {why}.") from exc

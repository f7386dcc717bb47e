"""The Handlebars subset operators write templates in (Setup > Config > Templates)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from connexcs.handlebars import TemplateError, compile_template, render

CONTEXT = {
    "name": "<Ann & Co>",
    "account": {"name": "Acme", "postcode": "", "id": 42, "config": {"payment_details": "IBAN 1\nBIC 2"}},
    "people": ["Adam", "Ben"],
    "cities": ["Leeds", "York"],
    "lines": [{"start_date": "2026-11-01", "end_date": "2026-11-30", "net": Decimal("1234.5")}],
    "empty": [],
    "zero": 0,
    "total": Decimal("25000"),
    "when": datetime(2026, 12, 7, 9, 5, 3),
    "day": date(2026, 12, 7),
    "seconds": 90,
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hi {{name}}", "Hi &lt;Ann &amp; Co&gt;"),
        ("Hi {{{name}}} {{&name}}", "Hi <Ann & Co> <Ann & Co>"),
        ("{{account.name}}#{{account.id}}", "Acme#42"),
        ("{{#if account.postcode}}{{account.postcode}}{{else}}no postcode{{/if}}", "no postcode"),
        ("{{#unless account.postcode}}WARNING{{/unless}}", "WARNING"),
        ("{{#if zero}}z{{else if empty}}e{{else if name}}n{{else}}x{{/if}}", "n"),
        ("{{#each people}}<li>{{this}}</li>{{/each}}", "<li>Adam</li><li>Ben</li>"),
        (
            "{{#each people}}{{.}} lives in {{lookup ../cities @index}}. {{/each}}",
            "Adam lives in Leeds. Ben lives in York. ",
        ),
        ("{{#each people}}{{#if @first}}[{{/if}}{{@index}}{{#if @last}}]{{/if}}{{/each}}", "[01]"),
        ("{{#each account}}{{@key}};{{/each}}", "name;postcode;id;config;"),
        ("{{#each empty}}x{{else}}none{{/each}}", "none"),
        ("{{#with account}}{{name}} / {{../name}}{{/with}}", "Acme / &lt;Ann &amp; Co&gt;"),
        ("{{#with account}}{{#with config}}{{@root.account.name}}{{/with}}{{/with}}", "Acme"),
        ("{{lines.0.start_date}} to {{lines.0.end_date}}", "2026-11-01 to 2026-11-30"),
        ("{{dateFormat lines.0.start_date 'll'}}", "Nov 1, 2026"),
        ("{{dateFormat when 'YYYY-MM-DD HH:mm:ss'}} {{dateFormat day}}", "2026-12-07 09:05:03 2026-12-07"),
        ("{{numberFormat 55662890}} {{numberFormat lines.0.net 2}}", "55,662,890 1,234.50"),
        (
            "{{currencyFormat total}} {{currencyFormat total 'EUR'}} {{currencyFormat 5 'CHF'}}",
            "$25,000.00 €25,000.00 5.00 CHF",
        ),
        ("{{nl2br account.config.payment_details}}", "IBAN 1<br>\nBIC 2"),
        ("{{sec2min seconds}}", "1.50"),
        ("{{math 10 '+' 1}} {{math total '/' 4}} {{math 1 '/' 0}}", "11 6250 "),
        ("a {{! a comment }}b{{!-- {{not}} a tag --}}c{{log 'x'}}", "a bc"),
        ("a   {{~name~}}   b", "a&lt;Ann &amp; Co&gt;b"),
        ("{{missing.deeper.still}}|{{people}}|{{account}}", "|Adam,Ben|[object Object]"),
    ],
)
def test_renders_like_handlebars(source, expected):
    assert render(source, CONTEXT) == expected


def test_plain_text_is_not_escaped():
    assert render("Dear {{name}}", CONTEXT, escape=False) == "Dear <Ann & Co>"


def test_objects_are_data_not_attributes():
    class Secret:
        password = "hunter2"

        def __str__(self):
            return "hunter2"

    assert render("[{{user.password}}][{{user}}][{{user.__class__}}]", {"user": Secret()}) == "[][][]"


@pytest.mark.parametrize(
    ("source", "line", "column", "words"),
    [
        ("Hi\n  {{#if name}}oops", 2, 3, "{{#if}} is never closed"),
        ("{{#if a}}x{{/each}}", 1, 11, "{{/each}} closes {{#if}}"),
        ("x {{/if}}", 1, 3, "without an opening block"),
        ("{{else}}", 1, 1, "without an opening block"),
        ("{{#loop items}}{{/loop}}", 1, 1, "Unknown block {{#loop}}"),
        ("{{#if}}{{/if}}", 1, 1, "takes one value"),
        ("a\nb {{shout name}}", 2, 3, "Unknown helper 'shout'"),
        ("{{name", 1, 1, "never closed with }}"),
        ("{{{name}}", 1, 1, "never closed with }}}"),
        ("{{!-- open", 1, 1, "comment"),
        ("{{ }}", 1, 1, "empty"),
        ("{{#if a}}1{{else}}2{{else}}3{{/if}}", 1, 20, "second {{else}}"),
        ("{{numberFormat x places=2}}", 1, 1, "Named arguments"),
    ],
)
def test_errors_say_where_and_what(source, line, column, words):
    with pytest.raises(TemplateError) as caught:
        compile_template(source)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in caught.value.message
    assert str(caught.value).startswith(f"Line {line}, column {column}: ")

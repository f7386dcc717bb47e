"""Dashboard figure for one's own account: are the email and mobile verified?"""

from django.urls import reverse

from connexcs.dashboard import Figure


def figures(*, user) -> list[Figure]:
    missing = [
        (label, url_name)
        for label, url_name, field in (
            ("email", "accounts:verify_email", "email_verified_at"),
            ("mobile", "accounts:verify_mobile", "mobile_verified_at"),
        )
        if not getattr(user, field, None)
    ]
    if not missing:
        return [
            Figure(
                "verification",
                "Verification",
                "Verified",
                tone="success",
                note="Email and mobile are verified.",
            )
        ]
    return [
        Figure(
            "verification",
            "Verification",
            "Not verified",
            url=reverse(missing[0][1]),
            tone="warning",
            note=f"Verify your {' and '.join(label for label, _ in missing)} to receive codes and resets.",
        )
    ]

"""The consent text shown on the registration form. Its words are versioned: change the
text, change the version, and each registration keeps the version, language and the
exact words the person agreed to."""

from __future__ import annotations

from flask_babel import gettext as _

from core.mail import privacy_page, reply_to_address

CONSENT_VERSION = "2026-12-08"


def consent_text(pact_title: str) -> str:
    """The consent text, in the current language, for this pact."""
    return str(
        _(
            "I agree that %(pact)s and the GreenPact team process the data in this "
            "form (organisation details, my name, position, e-mail and phone) to "
            "handle this registration, to contact me about the pact's workshops and"
            " services, and to list my organisation among the pact's stakeholders. "
            "My data is not shared with third parties for marketing. At any time I "
            "can see and download it, or withdraw this consent, on my page "
            "%(page)s, and ask to have it corrected or erased by writing to "
            "%(address)s.",
            pact=pact_title,
            page=privacy_page(),
            address=reply_to_address(),
        )
    )

"""The consent text shown on the registration form. Its words are versioned: change the
text, change the version, and each registration keeps the version, language and the
exact words the person agreed to."""

from __future__ import annotations

from flask_babel import gettext as _

CONSENT_VERSION = "2026-11-01"


def consent_text(pact_title: str) -> str:
    """The consent text, in the current language, for this pact."""
    return str(
        _(
            "I agree that %(pact)s and the GreenPact team process the data in this "
            "form (organisation details, my name, position, e-mail and phone) to "
            "handle this registration, to contact me about the pact's workshops and"
            " services, and to list my organisation among the pact's stakeholders. "
            "My data is not shared with third parties for marketing. I can ask to "
            "see, correct or delete it at any time by replying to the confirmation "
            "e-mail, and I can withdraw this consent the same way.",
            pact=pact_title,
        )
    )

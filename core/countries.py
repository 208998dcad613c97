"""What forms say about a country: a phone number as it is written there (from
`phonenumbers`' own examples), and the number an organisation there registers or pays
tax under. A pact's forms follow its country; any country without an entry of its
own gets a generic hint."""

from __future__ import annotations

import phonenumbers
from flask_babel import gettext as _

# A phone example for a country `phonenumbers` has none for (a Belgian mobile).
FALLBACK_PHONE_EXAMPLE = "+32 470 12 34 56"
# The tax or company number of an organisation, as an example, per country.
TAX_NUMBER_EXAMPLES = {
    "IT": "partita IVA 01234567890",
    "ES": "NIF B12345678",
    "AR": "CUIT 30-71234567-1",
    "BR": "CNPJ 12.345.678/0001-95",
    "CL": "RUT 76.123.456-7",
    "CO": "NIT 900.123.456-7",
    "MX": "RFC ABC120101AB1",
    "PE": "RUC 20123456789",
}


def phone_example(country: str | None) -> str:
    """A mobile number of the country in international format ("+39 312 345
    6789")."""
    mobile = phonenumbers.PhoneNumberType.MOBILE
    number = phonenumbers.example_number_for_type((country or "").upper(), mobile)
    if number is None:
        return FALLBACK_PHONE_EXAMPLE
    international = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(number, international))


def registration_number_hint(country: str | None) -> str:
    """The hint beside a registration number field, in the visitor's language."""
    if country == "RO":
        return str(
            _("For example the trade register number (J23/1234/2020) or the VAT code.")
        )
    example = TAX_NUMBER_EXAMPLES.get(country or "")
    if example is None:
        return str(_("For example the company's registration number or tax number."))
    return str(
        _("For example the tax identification number (%(example)s).", example=example)
    )

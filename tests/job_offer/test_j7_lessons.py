"""Batch J7's lessons, in our own words (none of these texts is from a batch).

Each general reason behind a missed or false sign in J7 is tested here in English and Spanish, with the sign
said and not said, as the user meets it: the sign found or not, and the grade.
"""

from __future__ import annotations

import pytest

from bot.job_offer import SERIOUS, grade
from tests.job_offer.lessons import assert_grade_never_milder, assert_read_when_said, read_flags

# (sign, language, text with the sign, the same offer without it)
CASES = [
    # Part of the pay put into a savings account or fund that the employer runs.
    (
        "withheld_wages",
        "en",
        "Care workers for a home in Leeds. 20% of each wage goes into a savings fund managed by the agency and is "
        "paid out when you leave.",
        "Care workers for a home in Leeds. Wages paid monthly into your own bank account; you may join the "
        "national pension savings scheme.",
    ),
    (
        "withheld_wages",
        "es",
        "Cuidadoras para una residencia en Valencia. Parte del sueldo va a una cuenta de ahorro administrada por "
        "la agencia y se entrega al volver.",
        "Cuidadoras para una residencia en Valencia. Sueldo de 1.300 euros al mes por transferencia a tu cuenta "
        "bancaria.",
    ),
    # Paid only once the whole season, voyage or contract is over.
    (
        "withheld_wages",
        "en",
        "Deckhands on a fishing boat, wages are paid upon completion of the 10-month voyage.",
        "Deckhands on a fishing boat, wages paid every month by bank transfer; return flight paid upon completion "
        "of the contract.",
    ),
    (
        "withheld_wages",
        "es",
        "Marineros para un pesquero. El salario se liquida al terminar la temporada de pesca.",
        "Marineros para un pesquero. Salario mensual por transferencia bancaria, vuelo de regreso incluido.",
    ),
    # No pay during a trial or training, said a few words further on.
    (
        "withheld_wages",
        "en",
        "Kitchen staff wanted. A two-month training period during which you get meals and a bed but work without pay.",
        "Kitchen staff wanted. A two-month paid training period, free meals and a bed, no fees.",
    ),
    (
        "withheld_wages",
        "es",
        "Personal de cocina. Un periodo de capacitación de dos meses en el que recibes comida y cama pero trabajas "
        "sin sueldo.",
        "Personal de cocina. Capacitación pagada de dos meses, comida y cama gratis, sin pago de cuotas.",
    ),
    # The job itself left to be settled on arrival.
    (
        "changed_terms",
        "en",
        "Resort staff. Your department will be allocated upon arrival depending on needs.",
        "Resort staff, housekeeping department, 1,200 dollars a month; uniforms are handed out on arrival.",
    ),
    (
        "changed_terms",
        "es",
        "Personal de hotel. El puesto se asignará a la llegada según las necesidades.",
        "Personal de hotel, puesto de camarista, 1.200 dólares al mes; el uniforme se entrega a la llegada.",
    ),
    # Leaving only with the boss's permission, or only accompanied.
    (
        "restricted_movement",
        "en",
        "Farm workers. Leaving the farm is subject to the supervisor's permission at all times.",
        "Farm workers. Annual leave is subject to manager approval; you are free to go out on your days off.",
    ),
    (
        "restricted_movement",
        "es",
        "Trabajadores agrícolas. Las salidas del rancho requieren autorización del encargado.",
        "Trabajadores agrícolas. Domingo libre, puedes salir solo cuando quieras.",
    ),
    (
        "restricted_movement",
        "es",
        "Trabajadoras domésticas. Las salidas de los domingos son acompañadas por la señora de la casa.",
        "Trabajadoras domésticas. Domingo libre, puedes salir sola cuando quieras.",
    ),
]


@pytest.mark.parametrize(("sign", "language", "present", "absent"), CASES)
def test_sign_read_when_said_and_not_when_not(reader, sign, language, present, absent):
    assert_read_when_said(reader, sign, language, present, absent)


@pytest.mark.parametrize(("sign", "language", "present", "absent"), CASES)
def test_the_sign_never_makes_the_grade_milder(reader, sign, language, present, absent):
    """The user sees a grade at least as grave when the sign is said as when it is not."""
    assert_grade_never_milder(reader, language, present, absent)


# A day of a month is a date, not an age: a legitimate seasonal offer is not read as aimed at children.
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Fruit pickers wanted for Sunny Farms LLC, Sept 12 to Oct 30, $17 an hour, contract before travel."),
        (
            "es",
            "Recolectores para Agrícola Valle Verde, del 14 de septiembre al 30 de octubre, 9 euros la hora, "
            "contrato firmado antes.",
        ),
    ],
)
def test_dates_are_not_ages(reader, language, text):
    flags = read_flags(reader, language, text)
    assert "minors" not in flags
    assert grade(flags) != SERIOUS


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Girls 16 to 17 wanted for hostess work in a bar, good pay."),
        ("en", "Girls 16 may apply for waitress work abroad, we arrange the travel."),
        ("es", "Se buscan chicas de 15 a 17 para trabajar de edecanes en un bar."),
    ],
)
def test_ages_are_still_ages(reader, language, text):
    assert "minors" in read_flags(reader, language, text)


# The family that hires a nanny is the employer: its paying the agency fee is no fee; "your family" paying is.
@pytest.mark.parametrize(
    ("language", "text", "fee"),
    [
        ("en", "Nanny for a family in Leeds, £13 an hour through payroll. The family pays the agency fee.", False),
        ("en", "Nanny for a family in Leeds, £13 an hour. Your family pays the agency fee of £400 first.", True),
        ("es", "Niñera para una familia en Madrid, 1.300 euros al mes. La familia paga la cuota de la agencia.", False),
        ("es", "Niñera para una familia en Madrid. Tu familia paga la cuota de la agencia de 400 euros antes.", True),
    ],
)
def test_the_hiring_family_pays_the_fee(reader, language, text, fee):
    assert ("recruitment_fee" in read_flags(reader, language, text)) is fee


# Money put into a savings fund is wages held back, not a fee; time off in lieu is not paying a debt off.
@pytest.mark.parametrize(
    ("language", "text", "sign", "not_sign"),
    [
        (
            "es",
            "Cuidadoras en Verona. 300 euros de cada mes se depositan en un fondo de ahorro gestionado por la empresa.",
            "withheld_wages",
            "recruitment_fee",
        ),
        ("en", "Hotel staff in Tyrol, overtime paid or time off in lieu, contract before travel.", None, "travel_debt"),
        ("en", "Hotel staff, the flight is fronted by us and you pay it back from your wages.", "travel_debt", None),
    ],
)
def test_savings_and_time_off(reader, language, text, sign, not_sign):
    flags = read_flags(reader, language, text)
    if sign:
        assert sign in flags
    if not_sign:
        assert not_sign not in flags

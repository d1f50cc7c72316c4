"""Batch J5's lessons, in our own words (none of these texts is from a batch).

Each general reason behind a false or missed sign in J5 is tested here in English and Spanish, with the sign
said and not said, as the user meets it: the sign found or not, and the grade.
"""

from __future__ import annotations

import pytest

from bot.job_offer import SERIOUS, OfferReader, grade

GOOD = "too_good"



# --- a wage in the local currency is not a dollar wage ---------------------------------------------------------
# "3,400 dirhams a month" is an ordinary Gulf wage, "₱15,000 a month" an ordinary Manila one; read as dollars
# they looked far too good. The same figure in dollars still is.
ORDINARY_LOCAL = [
    ("en", "Front desk clerk, Deira, Dubai. Salary AED 3,400 per month, shared staff housing, visa paid by us."),
    ("en", "Waiters for a seafood restaurant in Cebu, ₱15,000/month plus service charge, day off every week."),
    ("en", "Caregiver at a home for the elderly in Osaka, ¥205,000 a month before tax, same scale as local staff."),
    ("es", "Camarera de piso en un hotel de Doha, sueldo de 3.000 riyales al mes con alojamiento y comida."),
    ("es", "Operaria en una fábrica de Tokio, ¥190.000 al mes, contrato firmado antes de viajar."),
    ("es", "Mesero en Lima, sueldo de 1,800 soles mensuales con seguro y CTS."),
    ("es", "Ayudante de cocina en Dubái, 2.500 dírhams al mes, alojamiento compartido."),
]
HIGH_IN_DOLLARS = [
    ("en", "Front desk clerk in Dubai, salary USD 6,400 per month, no experience needed."),
    ("es", "Camarera de piso en Doha, sueldo de 6,000 dólares al mes, sin experiencia."),
]


@pytest.mark.parametrize(("language", "text"), ORDINARY_LOCAL)
def test_an_ordinary_wage_in_a_local_currency_is_not_too_good(reader: OfferReader, language: str, text: str) -> None:
    reading = reader.read(text, language)
    assert GOOD not in reading.flags, reading.flags
    assert grade(reading.flags) != SERIOUS


@pytest.mark.parametrize(("language", "text"), HIGH_IN_DOLLARS)
def test_the_same_job_paid_far_above_the_norm_in_dollars_is_too_good(
    reader: OfferReader, language: str, text: str
) -> None:
    assert GOOD in reader.read(text, language).flags


# --- a workplace's own name rules the unverifiable-company sign out ----------------------------------------------
# "a job at the Seabreeze Hotel", "Golden Lotus Kitchen", "Agencia Luna Azul Talentos" name who employs; "interviews
# at the Hotel X" names only where people meet, and "a big hotel" or "un salón en Miami" names nobody.
COMPANY = "unverifiable_company"
NAMED = [
    ("en", "My friend got a cleaner job at the Seabreeze Spa Hotel in Phuket, 18,000 baht a month with a room."),
    ("en", "Cooks and servers wanted at Golden Lotus Kitchen, Quezon City. Free meals, Sundays off. PM us."),
    ("en", "Prairie Gold Meats in Brooks, Alberta needs line workers, $19 an hour, overtime after 40 hours."),
    ("es", "Agencia Luna Azul Talentos busca modelos para eventos en Panamá, contrato de 3 meses."),
    ("es", "Se buscan manicuristas para el Salón Perla Fina en Houston, pago por semana y propinas."),
]
UNNAMED = [
    ("en", "Cleaner job at a big spa hotel in Phuket, 18,000 baht a month, free room, send your passport."),
    (
        "en",
        "Interviews this Saturday at the Seabreeze Hotel lobby. Waitresses for a club abroad, free flight, "
        "$3,000 a month, send photos.",
    ),
    ("es", "Se buscan manicuristas para un salón en Houston, ganas bien, el pasaje te lo presto, manda tus fotos."),
]


@pytest.mark.parametrize(("language", "text"), NAMED)
def test_a_workplace_named_in_its_own_words_rules_out_an_unverifiable_company(
    reader: OfferReader, language: str, text: str
) -> None:
    reading = reader.read(text, language)
    assert COMPANY not in reading.flags
    assert COMPANY in reading.absent


@pytest.mark.parametrize(("language", "text"), UNNAMED)
def test_a_workplace_described_or_only_a_meeting_place_names_no_employer(
    reader: OfferReader, language: str, text: str
) -> None:
    assert COMPANY not in reader.read(text, language).absent


# --- a reassurance said another way is no sign; its warning twin still is ----------------------------------------
# Keeping one's own passport told as an order ("keep your passport with you") or by the worker ("my passport, I keep
# it myself"); money taken back from the wages (a debt, not a document); "no one, including us, may charge you";
# the trip home paid at the end (the fare, not the wages); a foreign-language contract with a translation.
REASSURED = [
    ("en", "document_retention", "Bring your papers to the port. Keep your passport and your seaman's book with you."),
    ("en", "document_retention", "She said my passport and my national ID, I keep them myself; she needs a photocopy."),
    ("en", "document_retention", "They pay the work permit, then they take it back from your wages over six months."),
    ("en", "recruitment_fee", "No one, including our own recruiters, is allowed to charge you any fee for this job."),
    (
        "en",
        "withheld_wages",
        "Harbor Point Seafood LLC, H-2B crab pickers, $17 an hour paid every Friday. The company pays your trip "
        "home at the end of the season.",
    ),
    ("en", "no_contract", "The contract came in Korean with an English translation, and I signed it before the visa."),
    ("es", "document_retention", "Guarda tu pasaporte y tu cédula contigo en todo momento."),
    ("es", "document_retention", "Dice que mi pasaporte y mi DNI los guardo yo, ella solo quiere una copia."),
    ("es", "document_retention", "El patrón paga el permiso de trabajo, y luego te lo quita del sueldo poco a poco."),
    ("es", "recruitment_fee", "Nadie, ni siquiera nuestro personal, puede cobrarle por este trabajo."),
    (
        "es",
        "withheld_wages",
        "Empacadora Costa Azul LLC, visa H-2B, $17 la hora pagados cada viernes. La empresa paga tu regreso al "
        "terminar el contrato.",
    ),
    ("es", "no_contract", "El contrato viene en japonés con su traducción al español y lo firmé antes de la visa."),
]
WARNED = [
    ("en", "document_retention", "The manager will keep your passport and your seaman's book in the office."),
    ("en", "document_retention", "The agent said he will keep my passport and my ID until the permit is done."),
    ("en", "document_retention", "When you arrive they take your passport and work permit and lock them away."),
    ("en", "recruitment_fee", "Our recruiter will charge you a 500 dollar fee for this job."),
    ("en", "withheld_wages", "Your wages are paid at the end of the season, in one lump sum."),
    ("en", "no_contract", "The contract is in Korean, and nobody explained it."),
    ("es", "document_retention", "Al llegar la encargada guarda tu pasaporte y tu cédula en la oficina."),
    ("es", "document_retention", "Cuando llegues te quitan el pasaporte y el permiso de trabajo."),
    ("es", "recruitment_fee", "Nuestro reclutador te cobra 500 dólares por este trabajo."),
    ("es", "withheld_wages", "El sueldo se paga al final de la temporada, todo junto."),
    ("es", "no_contract", "El contrato está en japonés y nadie me lo explicó."),
]


@pytest.mark.parametrize(("language", "sign", "text"), REASSURED)
def test_a_reassurance_said_another_way_shows_no_sign(reader: OfferReader, language: str, sign: str, text: str) -> None:
    reading = reader.read(text, language)
    assert sign not in reading.flags, reading.flags
    assert grade(reading.flags) != SERIOUS


@pytest.mark.parametrize(("language", "sign", "text"), WARNED)
def test_its_warning_twin_shows_the_sign(reader: OfferReader, language: str, sign: str, text: str) -> None:
    assert sign in reader.read(text, language).flags


# --- movement and contact kept in the boss's hands -----------------------------------------------------------------
# Not out alone, indoors after a set hour, phones kept by a supervisor, word from home only as the captain allows:
# all restrict movement, whatever reason the offer gives. A worker who goes out as she likes and keeps her phone,
# or a group's next departure, is no restriction.
MOVE = "restricted_movement"
RESTRICTED = [
    ("en", "For their safety the girls do not go out alone; a driver takes them to work and back."),
    ("en", "All staff stay in after 10pm, for their own protection."),
    ("en", "Phones are kept by the supervisor during shifts."),
    ("en", "Communication from the boat is limited to radio calls the captain approves."),
    ("es", "Por su seguridad, las muchachas no salen solas; el chofer las lleva y las trae."),
    ("es", "Todas adentro después de las 9 por su seguridad."),
    ("es", "Los celulares los guarda el encargado durante el turno."),
    ("es", "Comunicación con tierra solamente por la radio del capitán."),
]
FREE = [
    ("en", "On your day off you can go out alone or with friends, as you like."),
    ("en", "Keep your phone with you; you can call home whenever you want."),
    ("en", "The hostel is quiet after 10pm; you come and go as you like."),
    ("es", "En tu día libre puedes salir sola o con amigas, como quieras."),
    ("es", "Guarda tu celular contigo; puedes llamar a tu familia cuando quieras."),
    ("es", "El grupo viaja en 15 días y no habrá otra salida hasta el próximo año."),
]


@pytest.mark.parametrize(("language", "text"), RESTRICTED)
def test_movement_or_contact_kept_in_the_bosss_hands_is_restricted_movement(
    reader: OfferReader, language: str, text: str
) -> None:
    assert MOVE in reader.read(text, language).flags


@pytest.mark.parametrize(("language", "text"), FREE)
def test_going_out_freely_keeping_ones_phone_or_a_departure_is_not(
    reader: OfferReader, language: str, text: str
) -> None:
    assert MOVE not in reader.read(text, language).flags


# --- words about someone else, or about something else -------------------------------------------------------------
# A warning against middlemen who ask for money is no fee of this offer; how a forwarded advert reached the user is
# not how its recruiter works; "the first weeks nobody goes out" is about going out, not about pay.
NOT_THE_SIGN = [
    ("en", "recruitment_fee", "Beware of middlemen who ask you for money; the programme is free."),
    (
        "en",
        "online_recruiter",
        'I got this on WhatsApp, is it real? "Pinecrest Orchards LLC, H-2A, job order on seasonaljobs.dol.gov"',
    ),
    ("es", "recruitment_fee", "Desconfía de intermediarios que te pidan dinero: el proceso es gratuito."),
    (
        "es",
        "online_recruiter",
        'Me llegó esto por WhatsApp, ¿es real? "Viveros del Norte S.A., visa H-2A, orden de trabajo en '
        'seasonaljobs.dol.gov"',
    ),
    ("es", "withheld_wages", "Las primeras semanas no se sale del local, por su seguridad."),
]
THE_SIGN = [
    ("en", "recruitment_fee", "Our agent will ask you for 300 dollars for the medical."),
    ("en", "online_recruiter", "A stranger messaged me on WhatsApp about a job in Dubai, he never showed his face."),
    ("es", "recruitment_fee", "La intermediaria te pide 300 dólares para el examen médico."),
    ("es", "online_recruiter", "Un señor que no conozco me escribió por WhatsApp para un trabajo en Dubái."),
    ("es", "withheld_wages", "Las primeras semanas no se paga, es capacitación."),
]


@pytest.mark.parametrize(("language", "sign", "text"), NOT_THE_SIGN)
def test_words_about_someone_or_something_else_show_no_sign(
    reader: OfferReader, language: str, sign: str, text: str
) -> None:
    reading = reader.read(text, language)
    assert sign not in reading.flags, reading.flags
    assert grade(reading.flags) != SERIOUS


@pytest.mark.parametrize(("language", "sign", "text"), THE_SIGN)
def test_the_same_sign_about_this_offer_is_found(reader: OfferReader, language: str, sign: str, text: str) -> None:
    assert sign in reader.read(text, language).flags


# --- "full" is the hours or the meals, not a job already gone -------------------------------------------------------
FULL_NOT_GONE = [
    ("en", "NOW HIRING: Warehouse Associates (Full-time), Riverside Distribution, 2250 Industrial Pkwy"),
    ("en", "Hotel job (full board included), Seaside Inn, Brighton"),
    ("es", "Restaurante La Brasa: trabajo en cocina, un lugar lleno de oportunidades, contrato por escrito"),
]
FULL_GONE = [
    ("en", "When I arrived they said the hotel job was full and I had to clean houses"),
    ("es", "Al llegar me dijeron que el puesto del hotel ya estaba lleno y que tenía que limpiar casas"),
]


@pytest.mark.parametrize(("language", "text"), FULL_NOT_GONE)
def test_full_time_or_full_board_is_no_changed_terms(reader: OfferReader, language: str, text: str) -> None:
    assert "changed_terms" not in reader.read(text, language).flags


@pytest.mark.parametrize(("language", "text"), FULL_GONE)
def test_a_job_full_on_arrival_is_changed_terms(reader: OfferReader, language: str, text: str) -> None:
    assert "changed_terms" in reader.read(text, language).flags


# --- signs said politely -----------------------------------------------------------------------------------------
# The place offered to a reserve candidate if you are slow; a fee "payable by the candidate" or a "package cost";
# "he hasn't seen any contract" (the reassurance "has ... contract" must not win over it).
POLITE_SIGNS = [
    ("en", "urgency", "Reply within 3 days; failure to do so means the position is offered to a reserve candidate."),
    (
        "en",
        "recruitment_fee",
        "The LMIA and job-matching fee of 6,000 dollars is payable by the candidate in two parts.",
    ),
    ("en", "recruitment_fee", "Trial camp in Spain for young players. Package cost: €2,100, covers visa support."),
    ("en", "no_contract", "He hasn't seen any contract yet; they say he signs at the farm."),
    ("es", "urgency", "Si no paga en 3 días, el puesto se le dará a otro candidato."),
    ("es", "recruitment_fee", "La gestión del LMIA tiene un costo de 5,000 dólares a cargo del candidato."),
    (
        "es",
        "recruitment_fee",
        "Pruebas de fútbol en España. Costo del paquete: 2,100 euros, incluye visa e inscripción.",
    ),
    ("es", "no_contract", "No le han dado ningún contrato todavía, dicen que allá firma."),
]
POLITE_NO_SIGNS = [
    ("en", "urgency", "Please reply within 3 days so we can book your visa appointment."),
    ("en", "recruitment_fee", "The LMIA fee is paid by the employer, as the law requires."),
    (
        "en",
        "recruitment_fee",
        "Trial camp in Spain for young players. Travel, visa and registration are paid by the club.",
    ),
    ("en", "no_contract", "He has seen the contract and has a copy in Spanish."),
    ("es", "urgency", "Por favor confirme en 10 días para poder tramitar su visa."),
    ("es", "recruitment_fee", "El costo de la LMIA es a cargo del empleador, como dice la ley."),
    ("es", "no_contract", "Ya le dieron el contrato en español y lo firmó."),
]


@pytest.mark.parametrize(("language", "sign", "text"), POLITE_SIGNS)
def test_a_sign_said_politely_is_found(reader: OfferReader, language: str, sign: str, text: str) -> None:
    assert sign in reader.read(text, language).flags


@pytest.mark.parametrize(("language", "sign", "text"), POLITE_NO_SIGNS)
def test_its_harmless_twin_is_not(reader: OfferReader, language: str, sign: str, text: str) -> None:
    assert sign not in reader.read(text, language).flags


# --- more signs in other words -------------------------------------------------------------------------------------
# Parents "not needed" (minors; "don't tell your mom" stays secrecy), a share of the pay or the whole pay handed over
# only at the end, the passport named first and handed over later ("... give it to me"), terms that "no longer
# apply". Each with a harmless twin, and pay deposited into the worker's own account is no fee.
OTHER_WORDS = [
    ("en", "minors", "Casting for catalogue work in Seoul, you don't need to involve your parents, we handle it."),
    ("en", "withheld_wages", "Salary 2,000 dollars a month; 70% of it is handed to you at the end of the contract."),
    (
        "en",
        "document_retention",
        "Come on a visitor visa with your passport, and when you land give it to me for the permit paperwork.",
    ),
    ("en", "changed_terms", "When he arrived they said the fixed salary no longer applies and it is commission only."),
    ("es", "minors", "Casting para modelos en Seúl, no hace falta decirle a tus papás, nosotros arreglamos todo."),
    ("es", "withheld_wages", "Salario de 2,000 dólares; el 70% se te entrega al finalizar el contrato."),
    ("es", "withheld_wages", "Sueldo: 600 dólares mensuales que se entregan completos al terminar la campaña."),
    (
        "es",
        "document_retention",
        "Vienes como turista con tu pasaporte, y cuando llegues me lo entregas para los trámites.",
    ),
    ("es", "changed_terms", "Cuando llegó le dijeron que el sueldo fijo ya no aplica, que ahora es solo comisión."),
]
HARMLESS_TWINS = [
    ("en", "minors", "Casting for catalogue work in Seoul, adults only, please tell your family where you are going."),
    ("en", "minors", "dont tell ur mom where ur going, just say Monterrey"),
    ("en", "withheld_wages", "Salary 2,000 dollars a month, paid in full every month into your own bank account."),
    ("en", "document_retention", "Come with your passport and keep it with you; the permit is done before you travel."),
    ("en", "changed_terms", "The fixed salary applies from the first day, and commission comes on top."),
    ("es", "minors", "Casting para modelos en Seúl, solo mayores de edad, avisa a tu familia a dónde vas."),
    ("es", "withheld_wages", "Sueldo: 600 dólares mensuales que se depositan completos cada mes en tu cuenta."),
    ("es", "recruitment_fee", "Sueldo: 600 dólares mensuales que se depositan completos cada mes en tu cuenta."),
    ("es", "document_retention", "Vienes con tu pasaporte y te lo quedas tú; el permiso se tramita antes de viajar."),
    ("es", "changed_terms", "El sueldo fijo aplica desde el primer día, y la comisión es aparte."),
]


@pytest.mark.parametrize(("language", "sign", "text"), OTHER_WORDS)
def test_the_sign_in_other_words_is_found(reader: OfferReader, language: str, sign: str, text: str) -> None:
    assert sign in reader.read(text, language).flags


@pytest.mark.parametrize(("language", "sign", "text"), HARMLESS_TWINS)
def test_the_harmless_twin_shows_no_sign(reader: OfferReader, language: str, sign: str, text: str) -> None:
    reading = reader.read(text, language)
    assert sign not in reading.flags, reading.flags


# --- immigration papers "later" are not the work contract ------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "She goes as a tourist first and the family will sort out her papers later.", False),
        ("en", "The contract comes later, once she is working in the house.", True),
        ("es", "Se va de turista y la familia le arregla los papeles después.", False),
        ("es", "El contrato te lo dan después, cuando ya estés trabajando en la casa.", True),
    ],
)
def test_papers_sorted_later_are_not_a_missing_contract(
    reader: OfferReader, language: str, text: str, expected: bool
) -> None:
    assert ("no_contract" in reader.read(text, language).flags) is expected

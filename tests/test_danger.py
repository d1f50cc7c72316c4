"""The danger backstop: it must catch every cry for help in the labelled set, stay quiet on ordinary
questions, and never break on bad input. A miss here is the worst bug the project can have."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from bot import datafile
from bot.eval.danger import DEFAULT_SET, FALSE_ALARM_TARGET, evaluate, load_set
from bot.safety import DangerDetector, DangerMatch
from bot.safety.fuzzy import TypoCorrector, within_one_edit
from bot.safety.normalise import tokenise
from bot.safety.patterns import DEFAULT_PATH, PatternFileError, load

TRAINING = Path(__file__).resolve().parents[1] / "data" / "nlu" / "danger.yml"


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    return DangerDetector.from_file()


@pytest.fixture(scope="module")
def report(detector: DangerDetector) -> dict:
    return evaluate(detector=detector)


# --- the labelled set -------------------------------------------------------------------------------------


def test_every_danger_message_in_the_labelled_set_is_caught(report: dict) -> None:
    missed = [m["text"] for m in report["misses"]]
    assert report["recall"] == 1.0, f"missed cries for help: {missed}"


def test_false_alarms_on_ordinary_messages_stay_within_target(report: dict) -> None:
    alarms = [(f["text"], f["signals"]) for f in report["false_alarms"]]
    assert report["false_alarm_rate"] <= FALSE_ALARM_TARGET, f"false alarms: {alarms}"


def test_labelled_set_is_large_and_bilingual() -> None:
    labelled = load_set()
    assert len(labelled["danger"]) >= 70 and len(labelled["ordinary"]) >= 120
    for label in ("danger", "ordinary"):
        langs = [item["lang"] for item in labelled[label]]
        assert langs.count("en") >= 30 and langs.count("es") >= 30, label


def _training_texts(paths: list[Path] | None = None) -> set[str]:
    texts = set()
    for path in paths or TRAINING.parent.glob("*.yml"):
        for block in datafile.read(path).get("nlu") or []:
            examples = block.get("examples") or ""
            if isinstance(examples, list):
                texts.update(str(e.get("text", "")).strip().lower() for e in examples)
            else:
                texts.update(line.strip()[2:].strip().lower() for line in examples.splitlines() if line.strip())
    return texts


@pytest.mark.parametrize("path", [DEFAULT_SET, *sorted((DEFAULT_SET.parent / "unseen").glob("*.yml"))], ids=str)
def test_evaluation_sets_are_worded_differently_from_the_training_data(path: Path) -> None:
    """A danger message copied into any training file would score itself; an ordinary one in the danger
    examples would be a label the evaluation contradicts."""
    labelled = load_set(path)
    training = _training_texts()
    danger_training = _training_texts([TRAINING])
    assert [i["text"] for i in labelled["danger"] if i["text"].lower() in training] == []
    assert [i["text"] for i in labelled["ordinary"] if i["text"].lower() in danger_training] == []


def test_training_data_has_enough_examples_per_language() -> None:
    raw = datafile.read(TRAINING)
    counts = {
        block["metadata"]["language"]: sum(1 for line in block["examples"].splitlines() if line.strip())
        for block in raw["nlu"]
        if block["intent"] == "report_danger"
    }
    assert counts["en"] >= 80 and counts["es"] >= 80


# --- messages that must always be caught -------------------------------------------------------------------

MUST_CATCH = [
    ("they took my passport and won't let me leave", {"document_taken", "cannot_leave"}),
    ("me quitaron el pasaporte y no me dejan salir", {"document_taken", "cannot_leave"}),
    ("mi jefe dice que si me voy matan a mi familia", {"threats"}),
    ("debo dinero y no me dejan irme hasta pagar", {"debt_bondage", "cannot_leave"}),
    ("ayuda me tienen encerrada", {"held_or_locked_in"}),
    ("pls help boss took my passport", {"document_taken"}),
    ("they took my pasport", {"document_taken"}),
    ("me kitaron el pasaport", {"document_taken"}),
    ("me quitaron el pasporte", {"document_taken"}),
    ("no m dejan salir", {"cannot_leave"}),
    ("estoy encerado", {"held_or_locked_in"}),
    ("me amenasan", {"threats"}),
    ("cant leave", {"cannot_leave"}),
    ("¡Me quitaron el pasaporte! No sé qué hacer", {"document_taken"}),
    ("he beats me every night", {"violence"}),
    ("me obligan a prostituirme", {"forced_sex_work"}),
    ("my 14 year old sister is forced to work in a bar", {"child_exploited"}),
    ("im scared for my life", {"fear_help"}),
    ("AYUDAAAA", {"fear_help"}),
    ("they force us to work and never pay", {"not_paid_forced"}),
    # mixed languages: the message is read with both languages' rules
    ("pls help me kitaron el pasaporte", {"document_taken"}),
    # it happened, even though the person asks whether it is normal
    ("my boss took my passport, is that normal?", {"document_taken"}),
    # taken from someone, and who holds them named
    ("me sacaron el pasaporte", {"document_taken"}),
    ("los papeles los tiene el patron", {"document_taken"}),
    # kidnapping, and "they will pay for it" said of the family
    ("me secuestraron los coyotes", {"held_or_locked_in"}),
    ("el señor dice q mis hijos en honduras la van a pagar", {"threats"}),
    # urgent pleas, a boat, a debt with no debt word
    ("need help now", {"fear_help"}),
    ("necesito ayuda ya", {"fear_help"}),
    ("the captain wont let us off in port", {"cannot_leave"}),
    ("they say i have to stay on the boat til its paid off", {"debt_bondage"}),
    ("is it normal that my boss has had my passport since march?", {"document_taken"}),
    # tied up, forced marriage, injuries, never alone, "or else", a hedge before the facts, the ones who slow down
    ("they tied our hands and put us in a van", {"held_or_locked_in"}),
    ("nos amarraron los pies y nos subieron a un carro", {"held_or_locked_in"}),
    ("my uncle is forcing my cousin to marry a man she never met", {"forced_marriage"}),
    ("me quieren casar con un señor mayor para pagar lo que debe mi papa", {"forced_marriage"}),
    ("she burned my arm with the iron because i was slow", {"violence"}),
    ("i can only go out with my employer", {"cannot_leave"}),
    ("no podemos salir solas ni al mercado", {"cannot_leave"}),
    ("tengo q trabajar de noche y si no, matan a mi hijo", {"threats"}),
    ("not sure if it matters but the owner keeps our passports in his safe", {"document_taken"}),
    ("a los que se quejan los golpean", {"violence"}),
    # missed by batches G and H (first scores recorded): a moment alone, whom to call while it happens, someone
    # who cannot call, a person lent or sold to men
    ("hes asleep. i have 5 min. what do i do", {"fear_help"}),
    ("ya viene, borro esto", {"fear_help"}),
    ("there's a girl at the gas station right now, she mouthed help me. who do i call", {"fear_help"}),
    ("hay un niño en el semaforo, le pegan, esta pasando ahorita, a quien le hablo??", {"fear_help"}),
    ("can someone call 911 for me? im in a basement", {"fear_help"}),
    ("she has to go with him and men pay him", {"forced_sex_work"}),
    ("my stepdad makes my sister do videos for men who pay him", {"forced_sex_work"}),
    ("mi novio me presto con sus amigos para pagar la renta", {"forced_sex_work"}),
    ("pone a sus hijas a hacer videos para señores que le pagan", {"forced_sex_work"}),
    # missed by batch I (after its first score)
    ("theyre watching. just tell me a number to text", {"fear_help"}),
    ("i need to get out of the farm, we are in florida somewhere", {"fear_help"}),
    # missed by batch J (after its first score), each with paraphrases of our own: someone who cannot talk or call
    # freely and asks for a quiet way to reach help; leaving now with nowhere to go
    ("cant talk long he comes back at 6. need a number i can TEXT not call", {"fear_help"}),
    ("i cant talk now, she comes back in ten minutes", {"fear_help"}),
    ("is there a number i can message not call? he listens to everything", {"fear_help"}),
    ("ayuda no puedo hablar mucho", {"fear_help"}),
    ("no puedo hablar ahorita, el patron esta escuchando", {"fear_help"}),
    ("hay algun numero para mandar mensaje? no puedo llamar, el patron escucha todo", {"fear_help"}),
    ("i need to get out tonight. where can i go", {"fear_help"}),
    ("i have to get out tonight, where can i sleep", {"fear_help"}),
    ("necesito salir hoy. a donde voy??", {"fear_help"}),
    ("tengo que irme hoy, donde me puedo quedar?", {"fear_help"}),
    # sextortion; those who leave are hunted; "or else"
    ("now hes saying he will post her pics unless she sends more. shes 12", {"threats"}),
    ("he says he will leak her videos unless she pays him", {"threats"}),
    ("ahora le piden dinero o las publican", {"threats"}),
    ("me piden mas fotos o las suben a internet", {"threats"}),
    ("el dueno tiene nuestros pasaportes. dice que a las que se van las busca", {"threats", "document_taken"}),
    ("a las que se escapan las encuentran y las golpean", {"threats"}),
    ("the ones who run away, he always finds them", {"threats"}),
    ("boss says i have to do extras or he reports me", {"threats"}),
    # put to dance at a club for a debt; a debt that grows, said with words in between
    (
        "kinda funny lol they got me dancing at a club and the manager says my debt is 12k and it grows every week",
        {"forced_sex_work", "debt_bondage"},
    ),
    ("they have me stripping at a bar to pay the debt", {"forced_sex_work"}),
    ("the manager says our debt is 9 thousand and it grows each month", {"debt_bondage"}),
    ("la deuda ya es de 20 mil y sigue creciendo cada semana", {"debt_bondage"}),
    # a young person and different men; made to film for paying viewers; a child streamed or sent to beg
    ("theres a girl maybe 14 at the motel, different men go in every night", {"forced_sex_work"}),
    ("older men come to pick up the girl next door every night, she is maybe 13", {"forced_sex_work"}),
    ("su tio la pone a hacer videos por la computadora y hay senores que pagan", {"forced_sex_work"}),
    ("the owner makes her do videos on camera for men who pay online", {"forced_sex_work"}),
    ("someone is livestreaming a little kid on a site and ppl are paying", {"child_exploited"}),
    ("somebody is streaming a child on a website and people are tipping", {"child_exploited"}),
    ("el la pone a pedir dinero en la calle todo el dia", {"child_exploited"}),
    ("a la nina la mandan a pedir limosna en el semaforo", {"child_exploited"}),
    ("my 11 yo is on a game chat with an adult who told her to send photos", {"child_exploited"}),
    ("mi hija de 10 esta chateando con un adulto que le pidio fotos", {"child_exploited"}),
    # forced into a vehicle; kept in an apartment; never alone
    ("a man at the gas station just pushed a girl into the trunk of a gray honda", {"held_or_locked_in"}),
    ("he shoved a woman into a white van outside the store", {"held_or_locked_in"}),
    ("empujaron a una muchacha a una camioneta afuera de la tienda", {"held_or_locked_in"}),
    ("me tiene en un apartamento aqui y ya me quito el pasaporte", {"held_or_locked_in", "document_taken"}),
    ("a guard follows us to the store", {"cannot_leave"}),
    # a hypothetical the writer says is about them ("asking for me")
    (
        "hypothetically if someone was being made to work for no pay and the owner had her passport... asking for me",
        {"not_paid_forced"},
    ),
    # missed by batch K (after its first score), each with paraphrases of our own: a girl married off by others;
    # a scam compound (made to scam, electric shocks, a ransom); a bystander who sees the signal for help or gets a
    # note; workers locked in, one beaten for asking his pay; people who never leave where they work
    (
        "me van a casar el sabado con un señor de 45, tengo 14, mis papas ya recibieron el dinero, yo no quiero",
        {"forced_marriage"},
    ),
    ("a mi prima la van a casar con un hombre mayor, ya le pagaron a su papa", {"forced_marriage"}),
    ("my parents are marrying me off to a man of 50 next month", {"forced_marriage"}),
    ("they want to marry her to a man twice her age", {"forced_marriage"}),
    ("ahora lo tienen en un edificio haciendo estafas, si no cumple le dan toques", {"not_paid_forced", "violence"}),
    (
        "they make us scam people online and give us electric shocks if we miss the target",
        {"not_paid_forced", "violence"},
    ),
    ("nos piden 3000 dolares para soltarlo", {"held_or_locked_in"}),
    ("the gang wants 5000 dollars to release him", {"held_or_locked_in"}),
    ("hay una camioneta con varias niñas, una me hizo la seña de ayuda con la mano. estan ahi ahorita", {"fear_help"}),
    ("a girl in the back of a truck made the signal for help at me", {"fear_help"}),
    ("the cleaner next door slipped me a note that said help", {"fear_help"}),
    ("la muchacha de al lado me paso un papelito que dice ayuda", {"fear_help"}),
    (
        "they lock the workers in the barracks at night and the boss beat a guy who asked for his salary",
        {"held_or_locked_in", "violence"},
    ),
    ("el capataz encierra a los jornaleros en la bodega por la noche", {"held_or_locked_in"}),
    ("le pegaron a un compañero que pidió su pago", {"violence"}),
    (
        "en el restaurante hay unos muchachos que duermen ahi y nunca salen, me dijo por señas que no tiene pasaporte",
        {"fear_help"},
    ),
    ("the boys at the car wash never leave, they sleep there and have no papers", {"fear_help"}),
    ("a mi hija de 13 le estan pidiendo fotos desnuda por instagram", {"child_exploited"}),
    # the frames and not-danger phrases added for batch K do not hide a report next to them: a parent's curfew
    # covers only its own words, and traffic or a coach are no everyday objects by themselves
    ("mi papa no me deja salir y me van a casar con un señor", {"forced_marriage"}),
    ("my parents wont let me go out and they are marrying me off to a man of 40", {"forced_marriage"}),
    ("they make us sell candy in traffic all day and take the money", {"not_paid_forced"}),
    ("el entrenador abusa de los ninos del equipo", {"child_exploited"}),
    ("my boss took my passport at the airport and we cant leave the terminal", {"document_taken"}),
    # a threat to the family with the condition first (batch V)
    ("me dijeron que si me voy mi familia va a pagar", {"threats"}),
    ("si renuncio mi familia paga la deuda del viaje", {"threats"}),
    ("if we run away our kids will pay for it", {"threats"}),
    # batch W: a document given back only on a condition, a phone checked by the employer, a mother threatened
    ("they want me to sign before they give back my ID", {"document_taken"}),
    ("quieren que firme antes de que me devuelvan la cedula", {"document_taken"}),
    ("my manager checks our phones every night", {"cannot_leave"}),
    ("dicen que si no viajo el lunes le pasa algo a mi mamá", {"threats"}),
    # batch Y: unsafe where the writer is now
    ("no me siento segura aqui pero no puedo decir mucho", {"fear_help"}),
    ("i dont feel safe here, the owner watches us", {"fear_help"}),
    # batch AA: shut in a container or a truck with no air
    ("3 of us in the back of a van, no air, pls", {"held_or_locked_in"}),
    ("somos 12 personas en la caja del trailer sin aire", {"held_or_locked_in"}),
    # batch AB: left behind by the smuggler; many people who cannot breathe; made to swallow drug packets
    ("the coyote left us by the river two days ago and the water is gone", {"held_or_locked_in"}),
    ("el pollero nos abandono en el monte", {"held_or_locked_in"}),
    ("trailer parked for hours, so many people, cant breathe", {"held_or_locked_in"}),
    ("the man says they will make me swallow the pellets on friday", {"not_paid_forced"}),
    ("me dicen que tengo que tragar las bolitas antes de subir al avion", {"not_paid_forced"}),
    # batch AC: a debt handed down to the family
    ("el dueño del horno dice que la deuda pasa a los hijos", {"debt_bondage"}),
    ("mis hermanos trabajan en la finca para pagar lo que debia mi papa", {"debt_bondage"}),
    ("the foreman says the debt passes to my kids if i stop working", {"debt_bondage"}),
    # batch AE: immigration or the police named as the price of leaving
    ("la patrona dice que si renuncio llama a la policia", {"threats"}),
    ("si nos quejamos el capataz nos denuncia a migracion", {"threats"}),
    # batches Z and AF: a DNI, NIE or iqama kept; a bank card kept with its PIN
    ("el encargado tiene nuestros dni desde que llegamos", {"document_taken"}),
    ("my sponsor keeps my iqama and wont give it", {"document_taken"}),
    ("the manager holds our bank cards and pins and pays us cash", {"document_taken"}),
    ("la patrona se quedo con mi tarjeta del banco", {"document_taken"}),
    # batch AI: a passport bought or asked back from the one who employs or recruits, even asked as a question;
    # guards with guns around the place the writer cannot leave
    ("what do agents usually charge to buy our passports back?", {"document_taken"}),
    ("how can i get my passport back from my sponsor?", {"document_taken"}),
    ("que hago para que la agencia me devuelva los papeles?", {"document_taken"}),
    ("cant go out of the compound, there are armed guards at the gate", {"held_or_locked_in"}),
]


@pytest.mark.parametrize(("text", "signals"), MUST_CATCH)
def test_must_catch(detector: DangerDetector, text: str, signals: set[str]) -> None:
    match = detector.detect(text)
    assert match is not None, text
    assert signals <= set(match.signals), (text, match)
    assert match.matched, "the phrases that fired are reported"


NOT_DANGER = [
    "what is debt bondage?",
    "¿qué es la trata?",
    "is it normal that the employer keeps my passport?",
    "¿qué pasa si me quitan el pasaporte?",
    "what should i do if my boss hits me?",
    "nobody took my passport",
    "no me quitaron el pasaporte",
    "i need help finding a job in canada",
    "necesito ayuda para encontrar trabajo",
    "vos sos de la OIM?",
    "I can't leave the country without a visa, right?",
    # getting a document, a document's own problem, a lost key, a shift
    "como saco una visa de trabajo para canada",
    "mi visa tiene un error en la fecha",
    "lost my keys and im locked out of my room",
    "my boss never lets me leave early on fridays",
    "mi jefe nunca me deja salir temprano",
    "mi familia va a pagar el viaje",
    "que es un secuestro express",
    "can you help now?",
    "i need help now with my visa application",
    "what is forced marriage?",
    "¿qué es el matrimonio forzado?",
    "mi novio y yo nos queremos casar, que papeles necesito?",
    "i burned my hand cooking",
    "people who get their passport taken, what can they do?",
    "my parents made me get a job at 16",
    # the words of the rules added for batches G and H, in ordinary messages
    "i have 5 minutes before class, what is trafficking?",
    "who do i call to check if a recruitment agency is real?",
    "¿a quién le hablo para revisar una oferta de trabajo?",
    "how do i delete this chat?",
    "como borro esto?",
    "my friend lent me money for the bus",
    "the clients pay him well at the shop",
    "i need to get out of the house more, im so bored",
    "he is watching tv.",
    # false alarms of batch J (after its first score), and paraphrases: a parent's or a school's rule, an object
    # "kidnapped", one long day, a document office, what the law gives, a story that is over
    "lol my mom took my phone and locked me in my room until i finish my homework, send help 😭",
    "my dad took my phone and locked me in till i finish my essay lol",
    "my parents are super strict, they wont let me go to the mall alone and they check my phone every night. im 15",
    "my mom checks my phone and wont let me go to the movies alone",
    "jajaja mi mama me tiene secuestrada haciendo tamales desde las 6am 😂",
    "my toddler has me held hostage, i havent sat down since 6am 😂",
    "mi hermanito tiene secuestrado el control de la tele desde ayer 🙄",
    "my brother kidnapped my charger again",
    "mi mama me secuestro el celular hasta q termine la tarea 😩 auxilio",
    "fui a migracion a renovar mi residencia y se quedaron con mi pasaporte para ponerle el sello",
    "migracion tiene mis documentos originales mientras revisan mi caso, puedo viajar?",
    "en la escuela de mi hijo no los dejan salir al recreo si no terminan la tarea, eso esta permitido?",
    "cuantos dias de vacaciones me tocan por ley en Mexico si llevo 2 anos",
    "me toca trabajar el domingo",
    "trabaje de interna y la patrona se quedo con mi pasaporte, eso fue en 2017, ya sali y tengo mi visa. todavia"
    " puedo reclamar los salarios que no me pago?",
    "I survived being trafficked as a teen, it was 12 years ago. I'm in college now studying social work",
    "I was trafficked as a teenager. That was 15 years ago and my trafficker is in prison. How do survivors tell"
    " their kids?",
    "when i was 14 my uncle sold me to a man. im 29 now, safe in Canada, two kids. some days it still hits me",
    "my landlord wont give back my deposit and says I still owe him for the carpet",
    "el casero no me quiere devolver el deposito y dice q le debo la pintura",
    "my student loan debt is 30k and it grows every month because of interest",
    "my roommate locked me out of the bathroom for 40 min, someone call the UN",
    "can he make me stay late on friday?",
    "me quede encerrado en el elevador 10 minutos",
    # the words of the rules added for batch J, in ordinary messages
    "i cant talk now, im at work, ill text you later",
    "no puedo llamar porque no tengo saldo",
    "i need to get out tonight, been studying all day, where should we go for drinks?",
    "necesito salir hoy de compras, donde hay una plaza buena?",
    "my friend got me dancing at the club last night lol",
    "mandame las fotos de la fiesta o las subo yo",
    "threw the groceries into the trunk",
    "my son is livestreaming minecraft and people are tipping him",
    "mi mama me pone a vender tamales los domingos",
    "the ones who leave early get paid less",
    "this is gonna sound dramatic but my cat locked me out of my room",
    # false alarms of batch K (after its first score), and paraphrases: a survivor's story dated and closed ("that was
    # 2012", "it's all over now, I'm home", "hace tiempo ... lo recuperé", "ya van 5 años que escapé"); everyday
    # confinement: the family table, a delayed flight, a lost key, traffic, a children's game, a diet, a parent's
    # curfew, a teacher keeping a phone, a coach's laps, a civil claim
    "Back in 2016 I was trapped in debt with an agency in the Gulf. It's all over now, I'm home, married, running a"
    " small shop. Just wanted to say thank you for what you do.",
    "a recruiter kept my passport in Qatar, that was in 2014. Now I'm a nurse in Manila",
    "I used to work on a fishing boat where they threatened us every day. That was 2012. Now I'm a union rep helping"
    " other fishermen. Could we partner up?",
    "Hace tiempo una agencia me quitó el pasaporte en Panamá, pero lo recuperé y ya volví a Colombia. Estoy bien,"
    " solo quería saber si todavía se puede denunciar.",
    "hace tiempo el patron me quito los papeles pero los recupere y ya regrese a mi pais",
    "yo estuve amenazada y encerrada por un tipo que me llevó a Guatemala, ya van 5 años que escapé, tengo mi trabajo"
    " y mi hija. si puedo ayudar a alguien con mi testimonio me avisan",
    "me tuvieron encerrada en una casa, ya van 3 años desde que sali y estoy estudiando",
    "grandma confiscated my phone at dinner and said I can't leave the table until I finish the soup. pray for me",
    "my mom says i cant leave the table until i eat my broccoli",
    "Stuck at the airport, flight delayed 6 hours and we can't leave the gate area",
    "flight cancelled, we're stuck at the airport and can't leave the terminal until they rebook us",
    "Atrapados en el aeropuerto de Bogotá por la niebla, no nos dejan salir de la sala de abordaje",
    "vuelo cancelado, estamos varados en el aeropuerto y no nos dejan salir de la sala de embarque",
    "me quedé encerrada afuera de mi casa, se me olvidaron las llaves, esperando al cerrajero",
    "forgot my keys inside, locked outside my apartment waiting for the locksmith",
    "llevo 2 horas atrapado en el periférico, ya me declaro esclavo del tráfico de la CDMX",
    "been trapped in traffic on the freeway for 2 hours, i'm a slave to this commute",
    "mis hijos me encerraron en el cuarto jugando a los policías y no me sueltan hasta que les dé dulces",
    "my kids locked me in the closet playing cops and robbers",
    "parce esta dieta me tiene secuestrado, no puedo ni oler una arepa",
    "this keto diet is holding me hostage, i can't even look at bread",
    "mi papá no me deja salir después de las 10 y ya tengo 17, es justo??",
    "my dad won't let me go out after 10 and i'm 17",
    "La maestra le quitó el celular a mi hijo y dice que se lo devuelve hasta el viernes",
    "el profe me quito el cel hasta el lunes",
    "My son's football coach makes them run laps until they can't breathe if they're late. Strict, but they won the"
    " league.",
    "the soccer coach makes my son run laps until he pukes",
    "My ex keeps threatening to take me to small claims court over the sofa we bought together. Ugh.",
    "mi ex me amenaza con demandarme por el carro",
    # the words of the rules added for batch K, in ordinary messages
    "me van a casar en la iglesia de mi pueblo, estoy feliz",
    "what is the signal for help with the hand?",
    "they never leave the house on sundays, they sleep all day lol",
    "i got an electric shock from the toaster",
    "nos piden el pasaporte para el tramite",
    # a family paying a bill
    "if i quit my job my parents will pay my rent until i find another",
    "si renuncio mis padres pagan el alquiler mientras busco otro",
    "mi familia va a pagar el pasaje",
    # batch W's kind of false alarm: a bank's threat of seizure, an airport transit area, a workplace phone rule
    "el banco me amenaza con embargarme la casa",
    "flight cancelled and they won't let us leave the transit area",
    "my manager takes our phones at the start of the shift, we get them back at the end",
    "a debt collection agency keeps calling me about my old credit card",
    "la agencia de cobranza me amenaza con embargarme",
    "customs at JFK held me for 4 hours in a room, is that normal?",
    "trapped on the Northern line, the train's been stuck in a tunnel for 40 min",
    "i don't feel safe walking home at night in this neighbourhood",
    "i do feel safe here now, thank you for asking",
    "the truck has no air conditioning and the drive is 9 hours",
    "la camioneta va sin aire acondicionado hasta Monterrey",
    "the tour guide left us at the market for an hour, is it safe to walk back alone?",
    "my mate keeps joking he'll lock me in the shed if I lose the bet again",
    "I owe my uncle $2000 that he lent me for the move, how do people usually pay back family loans",
    # batches AI and AJ: a visa centre, a passport back from an embassy, a simile, a bank's guards
    "the visa center has my passport for the schengen stamp, how long does it take?",
    "how do i get my passport back from the embassy after the interview?",
    "the dog looks at me like i locked him up for years when i leave for work",
    "the bank downtown has armed guards at the door now",
    # batch AK: a match's half, an animal shut in, a game
    "they had us locked in our half all second half",
    "nos encerraron en el area todo el primer tiempo",
    "el vecino tiene al perro encerrado en la azotea, a quien le aviso?",
    "in the sims my guy is trapped in a room with no door lol",
]


@pytest.mark.parametrize("text", NOT_DANGER)
def test_questions_denials_and_ordinary_help_are_not_danger(detector: DangerDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    ("text", "dismissed"),
    [
        ("what if they take my passport when i get there?", True),  # a hypothetical
        ("no me quitaron el pasaporte", True),  # a denial
        ("lost my keys and im locked out of my room", True),  # a not-danger phrase
        ("necesito ayuda con mi visa", False),  # words that need context lack it: too little, not harmless
        ("no nos pagan hace 3 meses", False),
        ("hola", False),  # no danger words at all
        ("me quitaron el pasaporte", False),  # danger found
    ],
)
def test_the_rules_say_when_danger_words_were_read_as_harmless(
    detector: DangerDetector, text: str, dismissed: bool
) -> None:
    assert detector.assess(text).dismissed is dismissed


# --- a story that is over, a film, a joke: the rules leave the decision to the classifiers ---------------------


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("years ago a boss took my passport, but i got it back and i'm safe now. can i report him?", "document_taken"),
        ("there's a film where they lock girls in a house and sell them, is it real?", "forced_sex_work"),
        ("my little brother won't let me leave the sofa until we finish the game hahaha", "cannot_leave"),
        ("en la telenovela a la protagonista la tienen encerrada en una hacienda", "held_or_locked_in"),
        ("el patron me quito el pasaporte pero ya lo recupere, todo tranquilo", "document_taken"),
        ("mi abuela me tiene encerrado en la casa hasta que termine la tarea jajaja", "held_or_locked_in"),
        ("the dealer is threatening to repossess my truck, im 2 payments behind", "threats"),
        ("la financiera me amenaza con quitarme la moto si no pago este mes", "threats"),
        ("my boss is literally killing me with these spreadsheets 😭 send help", "fear_help"),
        ("mis papas no me dejan salir los fines de semana, tengo 16, es normal?", "cannot_leave"),
    ],
)
def test_danger_words_framed_as_not_now_are_set_aside_not_dismissed(
    detector: DangerDetector, text: str, signal: str
) -> None:
    reading = detector.assess(text)
    assert reading.match is None and not reading.dismissed
    assert signal in reading.set_aside


@pytest.mark.parametrize(
    "text",
    [
        "lol they still won't let me leave the house, i'm not joking",
        "they locked us in the trailer again tonight lol",
        "jaja no, en serio, todavia me tienen encerrada",
        "me tienen encerrada y estoy bien asustada",  # "estoy bien" + adjective is not "I'm fine"
        "I got out of the house but they took my passport and they are looking for me",  # escaped is not safe
        # a hedge before a report is not a joke (batches I and J): "sound dramatic", "overreacting", "exagero",
        # "if this counts", and the exploiter's role in scare quotes
        "jaja ok this is gonna sound dramatic but the door gets locked from outside at night",
        "kinda embarrassing lol but the boss locks the door from outside when we sleep, idk if this counts",
        "probably overreacting lol but he keeps her phone and she cant quit because he knows where her kids live",
        "de seguro exagero jaja pero el dueno no nos deja salir ni los domingos y nos revisa los celulares",
        'jajaja mi "novio" me presto con sus amigos para pagar la comida',
        'my "boss" makes me sleep in the van lol',
        # ...in single quotes too (batch AM)
        "haha my 'employer' in Cambodia won't let us leave the compound lol",
        "jaja mi 'trabajo' en Dubai: me quitaron el pasaporte y no me dejan salir",
    ],
)
def test_a_present_danger_beats_a_laugh_or_a_past_story(detector: DangerDetector, text: str) -> None:
    assert detector.detect(text) is not None


# --- bad input ---------------------------------------------------------------------------------------------

BAD_INPUT = [
    "",
    "   \n\t ",
    "😀" * 500,
    "\x00\x01\x02 binary \xff",
    "<script>alert('x')</script><b>hola</b>",
    "a" * 100_000,
    "?!?!?!.,,,;;",
    "ñ" * 10_000,
    "\u202e\u200b\ufeff",
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_gives_a_safe_result(detector: DangerDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize("value", [None, 42, b"\xff\xfe\x00", bytearray(b"\x80\x81"), ["they took my passport"]])
def test_non_text_input_never_raises(detector: DangerDetector, value: object) -> None:
    assert detector.detect(value) is None  # type: ignore[arg-type]


def test_bytes_that_decode_to_a_cry_are_still_read(detector: DangerDetector) -> None:
    assert detector.detect("ayúdenme, me quitaron el pasaporte".encode()) is not None


def test_huge_input_keeps_a_plea_at_the_end(detector: DangerDetector) -> None:
    # How long this takes is a figure for `make bench`, not an assertion here.
    text = "lorem ipsum dolor sit amet " * 40_000 + " please help they took my passport"
    assert len(text) > 1_000_000
    match = detector.detect(text)
    assert match is not None and "document_taken" in match.signals


def test_html_around_a_cry_does_not_hide_it(detector: DangerDetector) -> None:
    match = detector.detect("<p>they <b>locked me in</b> the room</p>")
    assert match is not None and "held_or_locked_in" in match.signals


def test_internal_failure_returns_none_and_does_not_log_the_text(
    detector: DangerDetector, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_text: str) -> tuple:
        raise RuntimeError("boom")

    monkeypatch.setattr(detector._matchers[0], "read", broken)
    secret = "my secret message about a passport"
    with caplog.at_level(logging.DEBUG):
        assert detector.detect(secret) is None
    assert all(secret not in record.getMessage() for record in caplog.records)
    assert all("boom" not in record.getMessage() or record.levelno >= logging.ERROR for record in caplog.records)


def test_no_message_text_is_logged(detector: DangerDetector, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        detector.detect("they took my passport and I am locked in")
    assert all("passport" not in record.getMessage() for record in caplog.records)


# --- shape, speed, data file -------------------------------------------------------------------------------


def test_match_is_frozen(detector: DangerDetector) -> None:
    match = detector.detect("they locked me in")
    assert isinstance(match, DangerMatch)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.signals = ()  # type: ignore[misc]


def test_every_signal_has_a_source_and_patterns_in_both_languages() -> None:
    data = load(DEFAULT_PATH)
    expected = {
        "held_or_locked_in", "document_taken", "threats", "violence", "forced_sex_work",
        "debt_bondage", "child_exploited", "forced_marriage", "fear_help", "cannot_leave", "not_paid_forced",
    }  # fmt: skip
    assert set(data.signals) == expected
    for signal in data.signals:
        assert data.sources[signal]
        assert {g.lang for g in data.groups if g.signal == signal} == {"en", "es"}


def test_detector_reads_another_pattern_file(tmp_path: Path) -> None:
    base = (DEFAULT_PATH.read_text(encoding="utf-8")).split("\nsignals:")[0]
    custom = tmp_path / "patterns.yml"
    custom.write_text(
        base
        + '\nsignals:\n  - id: test_signal\n    source: test\n    en:\n      - match: ["purple elephant"]\n'
        + "    es:\n      - match: [[{LOWER: elefante}, {LOWER: morado}]]\n",
        encoding="utf-8",
    )
    custom_detector = DangerDetector.from_file(custom)
    assert custom_detector.detect("I saw a PURPLE elephant").signals == ("test_signal",)
    assert custom_detector.detect("un elefante morado").signals == ("test_signal",)
    assert custom_detector.detect("they took my passport") is None


def test_malformed_pattern_file_fails_at_load_not_at_detect(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("signals:\n  - id: x\n    en:\n      - match: [[{LOWER: a}]]\n", encoding="utf-8")
    with pytest.raises(PatternFileError):
        DangerDetector.from_file(bad)


# --- building blocks ---------------------------------------------------------------------------------------


def test_normalisation_handles_sms_spelling_accents_and_emphasis() -> None:
    languages = load(DEFAULT_PATH).languages
    es, en = languages["es"].rules, languages["en"].rules
    assert tokenise("No m dejan salir x favor", es) == ["No", "me", "dejan", "salir", "por", "favor"]
    assert tokenise("AYUDAAAA me kitaron", es) == ["AYUDA", "me", "quitaron"]
    assert tokenise("¿Qué pasó?", es) == ["¿", "Que", "paso", "?"]
    assert tokenise("they won\u2019t... I cant", en) == ["they", "will", "not", ".", "I", "can", "not"]
    assert tokenise("they're keeping my ID", en) == ["they", "are", "keeping", "my", "ID"]


def test_typo_correction_only_targets_pattern_words() -> None:
    english = TypoCorrector(["passport", "locked"], min_length=5, is_word=lambda w: w == "locker")
    spanish = TypoCorrector(["pasaporte", "amenazan"], min_length=5)
    assert english.correct("pasport") == "passport"
    assert spanish.correct("pasaport") == "pasaporte"
    assert spanish.correct("pasaprote") == "pasaporte"
    assert spanish.correct("amenasan") == "amenazan"
    assert english.correct("locker") == "locker", "a real word is never changed into another"
    assert english.correct("banana") == "banana"
    both = TypoCorrector(["passport", "pasaporte"], min_length=5)
    assert both.correct("pasaport") == "pasaport", "two equally close words: cannot tell which was meant"
    assert within_one_edit("pasaprote", "pasaporte")
    assert not within_one_edit("passport", "support")

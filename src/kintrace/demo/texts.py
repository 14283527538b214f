"""Wording of demo reports, replies and circumstances, in Russian, Ukrainian and English. Pure.

Templates take ``str.format`` fields (``{name}``, ``{given}``, ``{near}``, ``{missing}``,
``{on}``, ``{n}``, ``{code}``, ``{byear}``, ``{rank}``, ``{unit}``) and ``[[male|female]]``
choices for the words that change with the person's sex.
"""

from __future__ import annotations

import re
from datetime import date

from kintrace.demo.names import Lang

EVENTS: dict[str, dict[Lang, tuple[str, ...]]] = {
    "relative_last_contact": {
        "ru": (
            "Со слов матери: последний звонок {missing}, [[сказал|сказала]], что уходят "
            "на позиции {near}. Больше на связь не [[выходил|выходила]].",
            "Жена: последнее сообщение в WhatsApp {missing} — «всё нормально, связи не будет "
            "несколько дней». Телефон с тех пор выключен.",
        ),
        "uk": (
            "Зі слів матері: останній дзвінок {missing}, [[сказав|сказала]], що йдуть на "
            "позиції {near}. Більше на зв'язок не [[виходив|виходила]].",
            "Дружина: останнє повідомлення в Signal {missing} — «все добре, зв'язку не буде "
            "кілька днів». Телефон відтоді вимкнений.",
        ),
        "en": ("Relative: last call on {missing}; going to positions {near}. No contact since.",),
    },
    "official_missing": {
        "ru": (
            "Извещение: {rank} {name} [[пропал|пропала]] без вести {missing} в ходе выполнения "
            "боевых задач {near}.",
            "Справка: {name}, {unit}, числится [[пропавшим|пропавшей]] без вести с {missing}.",
        ),
        "uk": (
            "Сповіщення: {rank} {name} [[зник|зникла]] безвісти {missing} під час виконання "
            "бойових завдань {near}.",
            "Довідка: {name}, {unit}, вважається [[зниклим|зниклою]] безвісти з {missing}.",
        ),
        "en": ("Notice: {name}, {unit}, missing in action since {missing} {near}.",),
    },
    "official_dead": {
        "ru": (
            "Извещение о гибели: {rank} {name} [[погиб|погибла]] {missing} {near} при "
            "выполнении боевых задач. Тело не обнаружено.",
        ),
        "uk": (
            "Сповіщення про загибель: {rank} {name} [[загинув|загинула]] {missing} {near} під "
            "час виконання бойових завдань. Тіло не виявлено.",
        ),
        "en": ("Death notice: {name} killed in action on {missing} {near}; body not recovered.",),
    },
    "commander_missing": {
        "ru": (
            "Командир: не [[вернулся|вернулась]] с задания {missing} {near}, судьба неизвестна.",
        ),
        "uk": (
            "Командир: не [[повернувся|повернулася]] із завдання {missing} {near}, доля невідома.",
        ),
        "en": ("Commander: did not return from a mission on {missing} {near}; fate unknown.",),
    },
    "commander_dead": {
        "ru": (
            "Командир сообщил по телефону: [[сгорел|сгорела]] в БМП {missing} {near}, "
            "тело вынести не удалось.",
            "Командир роты: группа попала под миномётный огонь {near}, {given} [[погиб|погибла]], "
            "тело осталось на нейтральной полосе.",
        ),
        "uk": (
            "Командир повідомив телефоном: [[згорів|згоріла]] у БМП {missing} {near}, тіло "
            "винести не вдалося.",
            "Командир роти: група потрапила під мінометний обстріл {near}, {given} "
            "[[загинув|загинула]], тіло лишилося в сірій зоні.",
        ),
        "en": ("Commander by phone: killed {near} on {missing}; the body could not be recovered.",),
    },
    "commander_alive": {
        "ru": ("Командир подтвердил: после лечения [[вернулся|вернулась]] в часть, на связи.",),
        "uk": ("Командир підтвердив: після лікування [[повернувся|повернулася]] до частини.",),
        "en": ("Commander confirms: back with the unit after treatment.",),
    },
    "comrade_alive": {
        "ru": (
            "Сослуживец написал матери, что {given} [[жив|жива]], на позициях {near}, "
            "связи нет из-за РЭБ.",
        ),
        "uk": (
            "Побратим написав матері, що {given} [[живий|жива]], на позиціях {near}, зв'язку "
            "немає через РЕБ.",
        ),
        "en": ("A comrade wrote that {given} is alive, at the positions {near}, out of contact.",),
    },
    "comrade_dead": {
        "ru": (
            "Сослуживец рассказал, что видел, как {given} [[погиб|погибла]] при атаке дрона "
            "{near}; тело вынести не смогли.",
            "Товарищ по отделению: «[[Он остался|Она осталась]] в посадке {near}, пульса не было».",
        ),
        "uk": (
            "Побратим розповів, що бачив, як {given} [[загинув|загинула]] від атаки дрона "
            "{near}; тіло винести не змогли.",
            "Товариш із відділення: «[[Він лишився|Вона лишилася]] в посадці {near}, пульсу не "
            "було».",
        ),
        "en": ("A comrade says he saw {given} killed by a drone {near}; body left behind.",),
    },
    "comrade_captured": {
        "ru": ("Сослуживец видел, как группу, где [[был|была]] {given}, взяли в плен {near}.",),
        "uk": ("Побратим бачив, як групу, де [[був|була]] {given}, взяли в полон {near}.",),
        "en": ("A comrade saw {given} and two others taken prisoner {near}.",),
    },
    "other_side_call_hospital": {
        "ru": (
            "Позвонил мужчина с незнакомого номера: {given} у них в плену, [[ранен|ранена]], "
            "лежит в больнице. Передал от [[него|неё]] привет.",
        ),
        "uk": (
            "Зателефонував чоловік з незнайомого номера: {given} у них у полоні, "
            "[[поранений|поранена]], лежить у лікарні.",
        ),
        "en": ("A caller from the other side said {given} is a prisoner, wounded, in a hospital.",),
    },
    "pow_list": {
        "ru": (
            "Список военнопленных, № {n}: {name}, {byear} г.р., {unit}.",
            "В опубликованном списке под № {n}: {name} ({byear}).",
        ),
        "uk": ("Список військовополонених, № {n}: {name}, {byear} р.н., {unit}.",),
        "en": ("Prisoner list entry {n}: {name}, born {byear}, {unit}.",),
    },
    "video_prisoner": {
        "ru": (
            "Видео допроса: [[пленный|пленная]] называет себя — {name}, {unit}; родные узнали "
            "[[его|её]] по голосу и татуировке.",
        ),
        "uk": (
            "Відео допиту: [[полонений|полонена]] називає себе — {name}, {unit}; рідні впізнали "
            "[[його|її]] за голосом і татуюванням.",
        ),
        "en": (
            "Video: a prisoner gives the name {name} and unit {unit}; family recognised "
            "[[him|her]].",
        ),
    },
    "red_cross_registered": {
        "ru": (
            "[[Зарегистрирован|Зарегистрирована]] делегатами МККК при посещении места содержания; "
            "получено письмо семье от {on}.",
        ),
        "uk": (
            "[[Зареєстрований|Зареєстрована]] делегатами МКЧХ під час відвідування місця "
            "утримання; "
            "отримано лист родині від {on}.",
        ),
        "en": (
            "Registered by ICRC delegates during a visit to a place of internment; "
            "a Red Cross message to the family dated {on}.",
        ),
    },
    "exchange_returned": {
        "ru": (
            "[[Возвращён|Возвращена]] в ходе обмена {on}, список № {n}. Проходит лечение и "
            "реабилитацию.",
        ),
        "uk": ("[[Повернутий|Повернута]] під час обміну {on}, список № {n}. Проходить лікування.",),
        "en": ("Returned in the exchange of {on}, list no. {n}.",),
    },
    "remains_recovered": {
        "ru": (
            "Останки обнаружены поисковой группой {near}; рядом жетон с частично читаемым "
            "номером. Присвоен номер {code}.",
            "Тела переданы в ходе репатриации {on}; по документам при теле предположительно "
            "{name}. Номер останков {code}.",
        ),
        "uk": (
            "Останки виявлені пошуковою групою {near}; поруч жетон із частково читаним "
            "номером. Присвоєно номер {code}.",
            "Тіла передані під час репатріації {on}; за документами при тілі ймовірно "
            "{name}. Номер останків {code}.",
        ),
        "en": ("Remains recovered {near}, case number {code}; a partly legible tag nearby.",),
    },
    "dna_identified": {
        "ru": (
            "Совпадение ДНК останков {code} с образцами матери и отца; "
            "[[идентифицирован|идентифицирована]].",
        ),
        "uk": (
            "Збіг ДНК останків {code} зі зразками матері та батька; "
            "[[ідентифікований|ідентифікована]].",
        ),
        "en": ("DNA of remains {code} matches the parents' reference samples (LR > 10^6).",),
    },
    "social_dead": {
        "ru": ("В чате написали, что вся группа, где [[был|была]] {given}, погибла {near}.",),
        "uk": ("У групі написали, що вся група, де [[був|була]] {given}, загинула {near}.",),
        "en": ("Post in a group: the whole squad of {given} was killed {near}.",),
    },
    "social_captured": {
        "ru": (
            "В группе выложили фото пленных {near}; родные считают, что на одном из них {given}.",
        ),
        "uk": (
            "У групі виклали фото полонених {near}; рідні вважають, що на одному з них {given}.",
        ),
        "en": ("A photo of prisoners taken {near} was posted; one looks like {given}.",),
    },
    "social_alive": {
        "ru": ("В комментариях пишут: {given} [[жив|жива]], лежит в госпитале.",),
        "uk": ("У коментарях пишуть: {given} [[живий|жива]], лежить у шпиталі.",),
        "en": ("Comments say {given} was seen alive in a field hospital.",),
    },
    "social_retraction": {
        "ru": ("Автор удалил пост: перепутал с другим бойцом с той же фамилией.",),
        "uk": ("Автор видалив допис: сплутав з іншим бійцем з тим самим прізвищем.",),
        "en": ("The author withdrew the post: it was another soldier with the same surname.",),
    },
    "official_retraction": {
        "ru": ("Извещение о гибели отозвано: военнослужащий находится в плену.",),
        "uk": ("Сповіщення про загибель відкликано: військовослужбовець перебуває в полоні.",),
        "en": ("The death notice is withdrawn: the service member is a prisoner.",),
    },
    "court_missing": {
        "ru": (
            "Решение суда: [[признан безвестно отсутствующим|признана безвестно отсутствующей]] "
            "по заявлению матери.",
        ),
        "uk": (
            "Рішення суду: [[визнаний безвісно відсутнім|визнана безвісно відсутньою]] за "
            "заявою матері.",
        ),
        "en": ("Court decision: declared missing on the mother's application.",),
    },
    "court_dead": {
        "ru": (
            "Решение суда: [[объявлен умершим|объявлена умершей]]; днём смерти считается "
            "{missing}.",
        ),
        "uk": (
            "Рішення суду: [[оголошений померлим|оголошена померлою]]; днем смерті вважається "
            "{missing}.",
        ),
        "en": ("Court decision: declared dead; the date of death is taken as {missing}.",),
    },
    "hospital_wounded": {
        "ru": (
            "[[Поступил|Поступила]] {on} с осколочным ранением бедра; состояние средней тяжести.",
            "Журнал приёмного отделения: {name}, {unit}, минно-взрывная травма, {on}.",
        ),
        "uk": (
            "[[Надійшов|Надійшла]] {on} з осколковим пораненням стегна; стан середньої тяжкості.",
            "Журнал приймального відділення: {name}, {unit}, мінно-вибухова травма, {on}.",
        ),
        "en": ("Admitted {on} with a shrapnel wound; condition moderate.",),
    },
}
"""Report wording by event and language."""

REPLIES: dict[tuple[str, bool], dict[Lang, str]] = {
    ("status_change", True): {
        "ru": "Статус военнослужащего изменён; сведения направлены в военный комиссариат.",
        "uk": "Статус військовослужбовця змінено; відомості направлено до ТЦК.",
        "en": "The status has been changed.",
    },
    ("status_change", False): {
        "ru": "Оснований для изменения статуса не имеется: достоверных сведений нет.",
        "uk": "Підстав для зміни статусу немає: достовірних відомостей не надійшло.",
        "en": "No grounds to change the status.",
    },
    ("pow_list_inclusion", True): {
        "ru": "Сведения переданы в комиссию; военнослужащий включён в списки на обмен.",
        "uk": "Відомості передано; військовослужбовця включено до списків на обмін.",
        "en": "Included in the lists for exchange.",
    },
    ("pow_list_inclusion", False): {
        "ru": "Данных о нахождении в плену нет; включить в списки не представляется возможным.",
        "uk": "Даних про перебування в полоні немає; включити до списків неможливо.",
        "en": "No evidence of captivity; cannot be included.",
    },
    ("dna_test", True): {
        "ru": "Образцы ДНК родственников приняты; профиль внесён в базу, результат сообщим.",
        "uk": "Зразки ДНК родичів прийнято; профіль внесено до бази, результат повідомимо.",
        "en": "Reference samples taken; the profile is in the database.",
    },
    ("dna_test", False): {
        "ru": (
            "Для забора образцов необходимо явиться лично с паспортом и свидетельством о родстве."
        ),
        "uk": (
            "Для відбору зразків необхідно з'явитися особисто з паспортом і документом про "
            "родинні зв'язки."
        ),
        "en": "Please come in person with documents proving kinship.",
    },
}
"""Authority replies by (kind, granted) and language."""

CIRCUMSTANCES: dict[Lang, tuple[str, ...]] = {
    "ru": (
        "Последний звонок {last}, [[сказал|сказала]], что уходят на позиции {near}.",
        "Последний раз [[выходил|выходила]] на связь {last}. Сослуживцы ничего не говорят.",
        "{last} [[написал|написала]] «всё хорошо, скоро выйдем», после этого телефон недоступен. "
        "Часть — {unit}, стояли {near}.",
        "В части ответили, что [[он|она]] в списках пропавших, больше ничего. Последний звонок "
        "{last}.",
        "Видели в группе фото пленных — кажется, там [[он|она]], но не уверены. "
        "Связи нет с {last}.",
    ),
    "uk": (
        "Останній дзвінок {last}, [[сказав|сказала]], що йдуть на позиції {near}.",
        "Востаннє [[виходив|виходила]] на зв'язок {last}. Побратими нічого не кажуть.",
        "{last} [[написав|написала]] «все добре, скоро вийдемо», після цього телефон недоступний. "
        "Частина — {unit}, стояли {near}.",
        "У частині відповіли, що [[він|вона]] у списках зниклих, більше нічого. Останній "
        "дзвінок {last}.",
        "Бачили в телеграм-каналі фото полонених — здається, там [[він|вона]]. "
        "Зв'язку немає з {last}.",
    ),
    "en": ("Last call on {last}; going to positions {near}.",),
}
"""What relatives write in a request about the last contact."""

_CHOICE = re.compile(r"\[\[([^|\]]*)\|([^|\]]*)\]\]")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def show_date(day: date, lang: Lang) -> str:
    """Write a date as people of a language do.

    >>> show_date(date(2023, 3, 12), "ru"), show_date(date(2023, 3, 12), "en")
    ('12.03.2023', '12 Mar 2023')
    """
    if lang == "en":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def fill(template: str, *, female: bool, **fields: str) -> str:
    """Fill a template: pick the male or female words, then the fields.

    >>> fill("[[он|она]] {x}", female=True, x="жива")
    'она жива'
    """
    chosen = _CHOICE.sub(lambda m: m.group(2 if female else 1), template)
    return chosen.format(**fields)

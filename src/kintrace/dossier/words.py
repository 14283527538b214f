"""The labels of a dossier, marked for the gettext catalogues and translated when shown.

The msgids of statuses, flags, relationships, channels and request kinds are the web app's
(:mod:`kintrace.web.render`): one catalogue entry serves the pages and the dossier.
"""

from __future__ import annotations

from collections.abc import Callable

from kintrace.translation import translations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked text
    """Mark a text for the catalogues; it is translated where it is shown."""
    return message


STATUS_LABELS: dict[str, str] = {
    "alive_serving": N_("Alive, serving"),
    "wounded": N_("Wounded"),
    "captured_reported": N_("Captured (reported)"),
    "captured_confirmed": N_("Captured (confirmed)"),
    "missing": N_("Missing"),
    "dead_unrecovered": N_("Dead, not recovered"),
    "remains_recovered": N_("Remains recovered"),
    "identified": N_("Identified"),
    "remains_returned": N_("Remains returned"),
    "returned": N_("Returned"),
    "declared_missing": N_("Declared missing (court)"),
    "declared_dead": N_("Declared dead (court)"),
    "retraction": N_("Retraction"),
}
FLAG_LABELS: dict[str, str] = {
    "contradiction": N_("Contradicting reports"),
    "official_disagrees": N_("Official status disagrees"),
    "court_date_passed": N_("Court date passed"),
    "overdue": N_("Authority answer overdue"),
    "stale": N_("No news for a long time"),
    "court_declaration_contradicted": N_("Court declaration contradicted"),
    "unresolved": N_("Reports of equal weight disagree"),
}
RELATIONSHIP_LABELS: dict[str, str] = {
    "mother": N_("mother"),
    "father": N_("father"),
    "wife": N_("wife"),
    "husband": N_("husband"),
    "son": N_("son"),
    "daughter": N_("daughter"),
    "brother": N_("brother"),
    "sister": N_("sister"),
    "grandparent": N_("grandparent"),
    "other_relative": N_("other relative"),
    "comrade": N_("comrade"),
}
CHANNEL_LABELS: dict[str, str] = {
    "web": N_("the web site"),
    "walk_in": N_("a visit to the desk"),
    "phone": N_("the telephone"),
    "letter": N_("a letter"),
}
REQUEST_KIND_LABELS: dict[str, str] = {
    "status_change": N_("Change of the official status"),
    "pow_list_inclusion": N_("Inclusion in the prisoner-of-war lists"),
    "dna_test": N_("DNA test"),
    "status_inquiry": N_("Inquiry about the status"),
}
SOURCE_LABELS: dict[str, str] = {
    "official_notification": N_("Official notification"),
    "unit_commander": N_("Unit commander"),
    "comrade": N_("Comrade"),
    "hospital_record": N_("Hospital record"),
    "pow_list_other_side": N_("Prisoner list published by the other side"),
    "video_other_side": N_("Video published by the other side"),
    "other_side_call": N_("Call from the other side"),
    "red_cross": N_("Red Cross"),
    "exchange_list": N_("Exchange list"),
    "social_media": N_("Social media"),
    "relative": N_("Relative"),
    "dna_laboratory": N_("DNA laboratory"),
    "remains_recovery": N_("Remains recovery team"),
    "court": N_("Court"),
}
ANOTHER_RELATIVE = N_("another relative")
"""How :mod:`kintrace.cases.dossier` names a relative whose name a relative may not see."""

SEX_LABELS: dict[str, str] = {
    "male": N_("male"),
    "female": N_("female"),
    "unknown": N_("unknown"),
}
CONCLUSION_LABELS: dict[str, str] = {
    "undisputed": N_("undisputed"),
    "probable": N_("probable"),
}


def translator(lang: str) -> Callable[[str], str]:
    """Return the gettext function of a language (English for an unknown one)."""
    return translations(lang).gettext


def label(labels: dict[str, str], key: str, lang: str) -> str:
    """Return the translated label of a key (the key itself when it has none)."""
    return translator(lang)(labels[key]) if key in labels else key

"""The texts of errors the pages show, marked for the catalogues.

Routes and services raise errors with English texts (the CLI and the API print them as they
are); a page translates them when it shows them (``kintrace.web.i18n.translate_problem``):
exactly these texts, the patterns with values in ``i18n``, and ``field 'x': text`` where
the text is one of these. Nothing here is called: the list only feeds the catalogues.
"""

from __future__ import annotations

from kintrace.web.i18n import N_

ERRORS = (
    N_("the remains can be handed over only after a confirmed identification"),
    N_("record the handover to the family before the burial"),
    N_("say who handed them over to whom"),
    N_("say where he is buried"),
    N_("sign in to see this page"),
    N_("enrol a second factor before anything else"),
    N_("the form has expired; reload the page and try again"),
    N_("wrong username or password"),
    N_("too many failed sign-ins: this account is locked; ask an administrator to unlock it"),
    N_("the code is wrong or expired; type the current one"),
    N_("a second factor is enrolled already; remove it first"),
    N_("no second factor is being enrolled"),
    N_("the current password is wrong"),
    N_("the two new passwords differ"),
    N_("Enrol a second factor before anything else."),
    N_("The second factor is on: sign-in asks for a code."),
    N_("no such attachment"),
    N_("a relative adds files to their own request only"),
    N_("choose a file or write a link"),
    N_("at most 20 files at once"),
    N_("at most 20 links at once"),
    N_("yes or nothing"),
    N_("not one of the choices"),
    N_("the relative has not agreed to share with the DNA laboratory: record their consent first"),
    N_("the relative has not agreed to share with the authorities"),
    N_("the relative has not agreed to share with the Red Cross"),
    N_("the relative has not agreed to share with other relatives"),
    N_(
        "no relative of this relationship asked for him: record their tracing request, "
        "with their consent to the DNA laboratory, first"
    ),
    N_("the worklist is for regional desks and analysts"),
    N_("say which authority says so"),
    N_("say which authority it went to"),
    N_("this request has its answer already"),
    N_("the answer cannot come before the request"),
    N_("the answer cannot be due before the request is sent"),
    N_("an analyst grades a relative's report"),
    N_("only a relative reports as a relative"),
    N_("the date is in the future"),
    N_("say why the identification is rejected"),
    N_("say why these are the same man"),
    N_("a person cannot be merged into himself"),
    N_("merge into the person that was kept, not into a merged duplicate"),
    N_("four eyes: the person who proposed an identification may not decide it"),
    N_("remains are registered without a name: the DNA decides who"),
    N_("Something went wrong on our side; nothing was changed."),
    N_("Field required"),
    N_("Input should be a valid date or datetime, input is too short"),
    N_("Input should be a valid date or datetime, invalid character in year"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
)
"""Whole texts of errors, and the texts after ``field 'x':``."""

RECOMPUTE_REASONS = (
    N_("new report"),
    N_("report graded"),
    N_("new official status"),
    N_("request sent to an authority"),
    N_("an authority answered"),
    N_("source reliability changed"),
    N_("merge undone"),
    N_("identification confirmed"),
    N_("demo data loaded"),
)
"""Why an assessment was recomputed, as the history on a person's page shows it."""

PEOPLE = (
    N_("an analyst"),  # who graded a report, as a relative sees it
)
"""Who did something, as a relative sees it (cases.dossier)."""

FIELDS = (
    N_("authority"),
    N_("code"),
    N_("collected_on"),
    N_("credibility"),
    N_("due_on"),
    N_("note"),
    N_("reason"),
    N_("repeat"),
    N_("replied_on"),
    N_("since"),
    N_("sent_on"),
    N_("observed_on"),
    N_("claim"),
    N_("status"),
    N_("source_type"),
    N_("language"),
    N_("decision"),
)
"""Form fields named in errors: each has a written name in the catalogues."""

ROLES_AND_DEEDS = (
    N_("operator"),
    N_("dna_lab"),
    N_("confirm or reject identifications"),
    N_("decide record linkage candidates"),
    N_("grade reports"),
    N_("grade sources"),
    N_("merge persons"),
    N_("propose identifications"),
    N_("record answers of authorities"),
    N_("record official statuses"),
    N_("record reports"),
    N_("record requests to authorities"),
    N_("register reference samples"),
    N_("register remains"),
    N_("review identifications"),
    N_("review record linkage"),
    N_("undo merges"),
    N_("work in the DNA laboratory"),
)
"""What ``a ROLE may not DEED`` names (roles not already labelled in ``render``)."""

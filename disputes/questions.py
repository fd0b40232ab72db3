"""The report's political-dispute questions, worded once: the form, the page and the printout read them here.

*Moving Forward Together* (Ryan & Mazzilli), Part IV, "Working with local authorities", ends its
discussion of links broken over a partner government's acts with "some basic questions that twinning
associations can ask themselves". These are those four questions in the hub's words, each with why it
matters; the hints quote the report shortly, word for word.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (model field, the question, why it matters). The order is the report's.
QUESTIONS = (
    (
        "assistance_asked",
        _("Has your partner community asked you for help, and for what?"),
        _(
            "The report's first question is whether they have asked for “any concrete forms of assistance”. "
            "Start from what your friends there ask for, not from what others expect you to do."
        ),
    ),
    (
        "criticism_risk",
        _("Would criticising their government in public put your friends and contacts there at risk?"),
        _(
            "A public break can be seen as “foreign interference in domestic political affairs”, which "
            "the report warns “could lead to escalation and even retribution”. Think of the people, "
            "not the gesture."
        ),
    ),
    (
        "ties_without_council",
        _("Could your ties with the community continue if the council-to-council link ended?"),
        _(
            "Ending the formal link, the report notes, “locates friendship with the municipality” rather "
            "than with the community, and may leave the community “unsupported in the longer term”."
        ),
    ),
    (
        "changes_needed",
        _("If so, what would have to change: how you are organised, how you keep in touch, what you do together?"),
        _(
            "The report asks whether your “organisational structure, communications or project activities” "
            "would need to change. Note who would do what, and by when."
        ),
    ),
)

QUESTION_FIELDS = tuple(name for name, _question, _hint in QUESTIONS)

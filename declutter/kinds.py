"""The closed set of labels a paragraph can carry.

Kept in one module so that the training data, the model, the result objects and the
documentation all speak of the same kinds; add a kind here and nowhere else.
"""

from __future__ import annotations

from typing import Final

CONTENT: Final = "content"
INSERT: Final = "insert"
#: The kind of an insert that fits no other kind (also what a model without kinds names).
OTHER: Final = "other"

#: Kinds of promotional or boilerplate insert, each with the one-line definition that the
#: labelling guide (training_data/README.md) expands on.
INSERT_KINDS: Final[dict[str, str]] = {
    "lead_gen": "pitches for a publisher's own product, report or data service; teaser "
    "questions and reassurances leading to a form; 'Download a free sample'; brand bylines",
    "newsletter": "invitations to sign up for an e-mail newsletter or alerts",
    "subscription": "paywall and subscribe/membership prompts, 'Already a subscriber? Log in'",
    "related": "'Read more:', 'Related:', 'Recommended', 'You may also like' teasers and their "
    "headline links",
    "social": "share and follow bars, 'Follow us on X', 'Share this article', social handles",
    "consent": "cookie and privacy consent notices",
    "navigation": "menus, breadcrumbs, tags lists, pagination, 'Back to top', section links",
    "legal": "copyright lines, terms, imprint, 'All rights reserved', disclaimers",
    "form": "form residue: 'Thank you!', 'Your email will arrive shortly', field labels, 'Submit'",
    "advert": "'Advertisement' markers, sponsored content labels, ad slots, affiliate offers",
    "affiliate": "affiliate-link disclosures: 'We may earn a commission when you buy...'",
    "credit": "image and photo credits: 'Photo: Reuters', 'Image via Getty'",
    "comments": "comment prompts and counters: 'Leave a comment', '12 comments', 'Reply'",
    "other": "any other boilerplate that is not article text",
}

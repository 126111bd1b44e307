"""Small text facts shared by the feature modules: function words, and safe-to-encode text."""

from __future__ import annotations

#: Function words of the languages the training data covers. Running prose has many of
#: them; menus, bylines and button labels have few.
STOPWORDS = frozenset(
    """the a an of to in and or is are was were be been that this it for on with as at by from
    he she they we i you his her their its has have had not but which who will would said
    says der die das und ist ein eine zu den von mit sich des auf für im dem nicht auch es
    an als le la les de des et est un une du en que qui dans pour pas sur au par il elle el
    la los las de y que en un una es por con para del se al lo il di e che la per un una non
    sono della con del de het een en van dat is op te voor met niet zijn""".split()
)


def encodable(text: str) -> str:
    """``text`` with lone surrogates replaced by ``?``, so that it can be encoded.

    Scraped text can carry lone surrogates (from broken JSON or UTF-16); they are not valid
    characters, and every encoding step (hashing reads UTF-8, code points are read as
    UTF-32) would raise on them. The replacement keeps the length, so offsets still agree.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text

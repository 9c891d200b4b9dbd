from regulations.matching import units_match

from .documents import article_text


def test_inserted_changed_and_removed_articles():
    old = [(str(n), article_text(n)) for n in range(1, 6)]
    # Version 2: a new article before 2 (the rest renumbered), 3 reworded, 5 removed.
    new = [
        ("1", article_text(1)),
        ("2", "2-модда. Янги модда\nБутунлай янги мазмун, ҳеч қаерда йўқ."),
        ("3", article_text(3, seed=2)),
        ("4", article_text(4, seed=3, variant="(таҳрир)").replace("ҳисобот", "ахборот")),
        ("5", article_text(5, seed=4)),
    ]
    match = units_match(old=old, new=new)
    assert match.old_index == [0, None, 1, 2, 3]
    assert match.changed == [False, False, False, True, False]

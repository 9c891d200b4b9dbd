"""Drafting a press release from a held conference's data, in the house style."""


def draft_texts(*, conference) -> dict:
    raise NotImplementedError

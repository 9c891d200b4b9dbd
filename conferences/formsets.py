"""What the staff pages' programme formsets (the dashboard's and the admin's) share."""


def kept_forms(formset) -> list:
    """The rows a valid formset keeps, in order: not removed, not left empty. The services
    number a programme's entries in this order (``presentations[1].title``)."""
    removed = set(map(id, formset.deleted_forms))
    return [f for f in formset.forms if f.cleaned_data and id(f) not in removed]

"""The press service's exception dictionary for Uzbek transliteration: list, add, change, delete.

Every save first shows what it changes: the press releases whose Latin follows the Cyrillic and
would read differently (transliteration.selectors.dictionary_preview). The form posts twice:
without `confirm` it shows the preview, with it (the preview's button) it saves.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from transliteration.dictionary import Entry
from transliteration.models import DictionaryEntry
from transliteration.selectors import (
    dictionary_entries_after,
    dictionary_entry_list,
    dictionary_preview,
)
from transliteration.services import (
    dictionary_entry_add,
    dictionary_entry_delete,
    dictionary_entry_update,
    dictionary_spelling_clean,
)

from .. import forms
from ._common import StaffView, _form_errors_from


def _signed(values: dict) -> str:
    """The previewed spelling, as the preview's form carries it back."""
    return "\t".join([values["cyrillic"], values["latin"], str(values["whole_word"])])


class DictionaryListView(StaffView, ListView):
    permission_required = "transliteration.view_dictionaryentry"
    template_name = "dashboard/dictionary_list.html"
    paginate_by = 100
    context_object_name = "entries"

    def get_queryset(self):
        return dictionary_entry_list(search=self.request.GET.get("q", "")[:60])

    def get_context_data(self, **kwargs):
        return super().get_context_data(search=self.request.GET.get("q", "")[:60], **kwargs)


class DictionaryEditView(StaffView, TemplateView):
    """New entry (no pk) or an entry's change; the preview before the save."""

    template_name = "dashboard/dictionary_form.html"

    def get_permission_required(self):
        if "pk" in self.kwargs:
            return ["transliteration.change_dictionaryentry"]
        return ["transliteration.add_dictionaryentry"]

    def _entry(self) -> DictionaryEntry | None:
        if "pk" in self.kwargs:
            return get_object_or_404(DictionaryEntry, pk=self.kwargs["pk"])
        return None

    def _render(self, *, entry, form, preview=None, previewed="", status=200):
        context = self.get_context_data(
            entry=entry, form=form, preview=preview, previewed=previewed
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        entry = self._entry()
        initial = {}
        if entry is not None:
            initial = {f: getattr(entry, f) for f in ("cyrillic", "latin", "whole_word", "note")}
        return self._render(entry=entry, form=forms.DictionaryEntryForm(initial=initial))

    def post(self, request, *args, **kwargs):
        entry = self._entry()
        form = forms.DictionaryEntryForm(request.POST)
        if not form.is_valid():
            return self._render(entry=entry, form=form, status=400)
        try:
            values = dictionary_spelling_clean(**form.cleaned_data)
            # Saved only as previewed: a spelling changed after its preview is previewed again.
            if request.POST.get("confirm") == "1" and request.POST.get("previewed") == _signed(
                values
            ):
                return self._save(entry, values)
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self._render(entry=entry, form=form, status=400)
        after = dictionary_entries_after(
            entry=Entry(values["cyrillic"], values["latin"], values["whole_word"]),
            replacing=entry.pk if entry is not None else None,
        )
        return self._render(
            entry=entry,
            form=form,
            preview=dictionary_preview(
                entries=after,
                words=[values["cyrillic"], entry.cyrillic if entry is not None else ""],
            ),
            previewed=_signed(values),
        )

    def _save(self, entry, values):
        if entry is None:
            entry = dictionary_entry_add(**values, by=self.request.user)
            messages.success(
                self.request,
                _("Added to the dictionary: %(cyrillic)s → %(latin)s")
                % {"cyrillic": entry.cyrillic, "latin": entry.latin},
            )
        else:
            entry = dictionary_entry_update(entry=entry, **values, by=self.request.user)
            messages.success(
                self.request,
                _("Dictionary entry saved: %(cyrillic)s → %(latin)s")
                % {"cyrillic": entry.cyrillic, "latin": entry.latin},
            )
        return redirect("dashboard:dictionary_list")


class DictionaryDeleteView(StaffView, TemplateView):
    """GET shows what removing the entry changes; POST with the box ticked removes it."""

    permission_required = "transliteration.delete_dictionaryentry"
    template_name = "dashboard/dictionary_delete.html"

    def _context(self, form, entry):
        preview = dictionary_preview(
            entries=dictionary_entries_after(replacing=entry.pk), words=[entry.cyrillic]
        )
        return self.get_context_data(entry=entry, form=form, preview=preview)

    def get(self, request, *args, **kwargs):
        entry = get_object_or_404(DictionaryEntry, pk=kwargs["pk"])
        return self.render_to_response(self._context(forms.ConfirmForm(), entry))

    def post(self, request, *args, **kwargs):
        entry = get_object_or_404(DictionaryEntry, pk=kwargs["pk"])
        form = forms.ConfirmForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self._context(form, entry), status=400)
        dictionary_entry_delete(entry=entry, by=request.user)
        messages.success(
            request,
            _("Removed from the dictionary: %(cyrillic)s → %(latin)s")
            % {"cyrillic": entry.cyrillic, "latin": entry.latin},
        )
        return redirect("dashboard:dictionary_list")

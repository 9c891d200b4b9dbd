from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elyurt.text import text_clean
from experts.models import Council

from .models import PressRelease, ReleaseTemplate


class PublicSearchForm(forms.Form):
    """The filters of /press/; a bad value names its field and filters nothing."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False, strip=True)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    council = forms.ModelChoiceField(
        label=_("Council"), queryset=Council.objects.none(), required=False
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils if councils is not None else Council.objects
        self.fields["council"].empty_label = _("All councils")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "year": data.get("year"),
            "council": data["council"].pk if data.get("council") else None,
        }


class StaffFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + list(PressRelease.Status.choices),
        required=False,
    )
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


CYRILLIC = ("title_cyrl", "body_cyrl")


class ReleaseEditForm(forms.Form):
    """The editor: Uzbek Cyrillic and Latin side by side, Russian and English below."""

    title_cyrl = forms.CharField(label=_("Title (Uzbek Cyrillic)"), max_length=400, required=False)
    title_latn = forms.CharField(label=_("Title (Uzbek Latin)"), max_length=400, required=False)
    body_cyrl = forms.CharField(
        label=_("Body (Uzbek Cyrillic)"), widget=forms.Textarea, required=False
    )
    body_latn = forms.CharField(
        label=_("Body (Uzbek Latin)"), widget=forms.Textarea, required=False
    )
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=400, required=False)
    body_ru = forms.CharField(label=_("Body (Russian)"), widget=forms.Textarea, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=400, required=False)
    body_en = forms.CharField(label=_("Body (English)"), widget=forms.Textarea, required=False)
    slug = forms.SlugField(label=_("Address (slug)"), max_length=200)
    latin_follows = forms.BooleanField(
        label=_("Latin follows the Cyrillic (discard hand edits of the Latin)"), required=False
    )
    cyrillic_follows = forms.BooleanField(
        label=_("Typed in Latin: the Cyrillic follows the Latin"), required=False
    )

    TEXT_FIELDS = (
        "title_cyrl",
        "title_latn",
        "body_cyrl",
        "body_latn",
        "title_ru",
        "body_ru",
        "title_en",
        "body_en",
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        release = self.initial.get("pk")
        if PressRelease.objects.filter(slug=slug).exclude(pk=release).exists():
            raise forms.ValidationError(_("Another press release already has this address."))
        return slug

    def clean(self):
        data = super().clean()
        if data.get("latin_follows") and data.get("cyrillic_follows"):
            raise forms.ValidationError(
                _("Choose one: the Latin follows the Cyrillic, or the Cyrillic the Latin.")
            )
        # The script the text is typed in needs its title and body; the other is derived.
        typed = ("title_latn", "body_latn") if data.get("cyrillic_follows") else CYRILLIC
        for name in typed:
            if name in data and not data[name]:
                self.add_error(name, forms.ValidationError(_("This field is required.")))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data[name] for name in self.TEXT_FIELDS}
        fields["slug"] = data["slug"]
        fields["cyrillic_follows"] = bool(data.get("cyrillic_follows"))
        if fields["cyrillic_follows"]:
            fields.pop("title_cyrl")
            fields.pop("body_cyrl")
        elif data.get("latin_follows"):
            fields["latin_edited"] = False
            fields.pop("title_latn")
            fields.pop("body_latn")
        return fields


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PressRelease.Status.choices)


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Tashkent time. Leave empty to cancel the schedule."),
    )

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Version"), min_value=1)
    b = forms.IntegerField(label=_("Compared with"), min_value=1)
    field = forms.ChoiceField(
        label=_("Text"),
        choices=[
            ("body_cyrl", _("Body (Uzbek Cyrillic)")),
            ("body_latn", _("Body (Uzbek Latin)")),
            ("title_cyrl", _("Title (Uzbek Cyrillic)")),
            ("title_latn", _("Title (Uzbek Latin)")),
            ("body_ru", _("Body (Russian)")),
            ("body_en", _("Body (English)")),
        ],
        initial="body_cyrl",
        required=False,
    )


class ReleaseTemplateForm(forms.ModelForm):
    """The admin's form for the wording: a template that does not compile, or uses a tag
    release templates may not ({% load %}, {% include %}, {% extends %}, {% debug %}), is
    refused here, naming its field, instead of failing later in the drafting task."""

    class Meta:
        model = ReleaseTemplate
        fields = ["language", "name", "title", "body", "active"]

    def _compiled(self, name: str) -> str:
        from django.template import TemplateSyntaxError

        from elyurt.staff_templates import TemplateNotAllowed, TemplateTooCostly

        from .drafting import compile_template

        source = self.cleaned_data[name]
        try:
            compile_template(source)
        except (TemplateNotAllowed, TemplateTooCostly) as exc:
            raise forms.ValidationError(
                _("The template uses what release templates may not: %(error)s"),
                params={"error": exc},
            ) from None
        except TemplateSyntaxError as exc:
            raise forms.ValidationError(
                _("The template does not compile: %(error)s"), params={"error": exc}
            ) from None
        return source

    def clean_name(self):
        # Refused here, on the field, rather than by release_template_save after the form.
        try:
            return text_clean(self.cleaned_data["name"], field="name")
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["name"]) from None

    def clean_title(self):
        return self._compiled("title")

    def clean_body(self):
        return self._compiled("body")

"""The secretary's form: the record's parts as text."""

from django import forms

from .models import PARTS, MeetingRecord


class MeetingRecordForm(forms.ModelForm):
    class Meta:
        model = MeetingRecord
        fields = list(PARTS)
        widgets = {part: forms.Textarea(attrs={"rows": 5}) for part in PARTS}

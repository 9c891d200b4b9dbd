"""The expert directory, an expert's profile and their council terms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from experts.models import CouncilMembership, Expert
from experts.selectors import expert_activity
from experts.services import expert_save, membership_add, membership_end

from .. import forms
from ..selectors import expert_directory
from ._common import StaffView, _form_errors_from


class ExpertListView(StaffView, ListView):
    permission_required = "experts.view_expert"
    template_name = "dashboard/expert_list.html"
    paginate_by = 50
    context_object_name = "experts"

    def get_queryset(self):
        self.filter_form = forms.ExpertFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return expert_directory(filters=filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class ExpertEditView(StaffView, TemplateView):
    template_name = "dashboard/expert_form.html"

    def get_permission_required(self):
        if "pk" in self.kwargs:
            return ["experts.change_expert"]
        return ["experts.add_expert"]

    def _expert(self):
        if "pk" in self.kwargs:
            return get_object_or_404(Expert, pk=self.kwargs["pk"])
        return Expert()

    def _render(self, expert, form, membership_form=None, status=200, end_form=None, ending=None):
        memberships = (
            CouncilMembership.objects.filter(expert=expert).select_related("council")
            if expert.pk
            else []
        )
        return self.render_to_response(
            self.get_context_data(
                expert=expert,
                form=form,
                memberships=memberships,
                membership_form=membership_form or forms.MembershipForm(prefix="membership"),
                # The term whose end was refused shows its form with the error; the others
                # show an empty one.
                end_form=end_form,
                ending=ending,
                activity=expert_activity(expert=expert) if expert.pk else [],
            ),
            status=status,
        )

    def get(self, request, *args, **kwargs):
        expert = self._expert()
        return self._render(expert, forms.ExpertForm(instance=expert))

    def post(self, request, *args, **kwargs):
        expert = self._expert()
        form = forms.ExpertForm(request.POST, instance=expert)
        if not form.is_valid():
            return self._render(expert, form, status=400)
        try:
            with transaction.atomic():
                saved = expert_save(expert=form.save(commit=False), by=request.user)
                form.save_m2m()
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self._render(expert, form, status=400)
        messages.success(request, _("The profile is saved."))
        return redirect("dashboard:expert_edit", pk=saved.pk)


class MembershipAddView(StaffView, TemplateView):
    permission_required = "experts.add_councilmembership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        expert = get_object_or_404(Expert, pk=kwargs["pk"])
        form = forms.MembershipForm(request.POST, prefix="membership")
        if form.is_valid():
            try:
                membership_add(expert=expert, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                messages.success(request, _("The membership term is added."))
                return HttpResponseRedirect(reverse("dashboard:expert_edit", args=[expert.pk]))
        view = ExpertEditView(request=request, kwargs={"pk": expert.pk}, args=())
        return view._render(expert, forms.ExpertForm(instance=expert), form, status=400)


class MembershipEndView(StaffView, View):
    """Set the last day of a term, from the expert's page."""

    permission_required = "experts.change_councilmembership"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(
            CouncilMembership.objects.select_related("expert", "council"),
            pk=kwargs["membership_pk"],
            expert_id=kwargs["pk"],
        )
        form = forms.MembershipEndForm(request.POST, prefix=f"end-{membership.pk}")
        if form.is_valid():
            try:
                membership_end(
                    membership=membership, end_date=form.cleaned_data["end_date"], by=request.user
                )
            except ValidationError as exc:
                _form_errors_from(exc, form)
            else:
                messages.success(
                    request,
                    _("The term on %(council)s ends on %(date)s.")
                    % {
                        "council": membership.council.name,
                        "date": membership.end_date.isoformat(),
                    },
                )
                return redirect("dashboard:expert_edit", pk=membership.expert_id)
        expert = membership.expert
        view = ExpertEditView(request=request, kwargs={"pk": expert.pk}, args=())
        return view._render(
            expert, forms.ExpertForm(instance=expert), status=400, end_form=form, ending=membership
        )

"""The press service's Telegram pages: the channels, their posts and failures, the
conference announcement button."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from conferences.models import Conference
from dashboard.views._common import StaffView, _form_errors_from

from . import selectors, services
from .bot import bot_configured
from .forms import ChannelAddForm, ChannelEditForm
from .models import TelegramChannel

FAILURES_SHOWN = 20
POSTS_SHOWN = 50


class ChannelListView(StaffView, TemplateView):
    permission_required = "telegram_channels.view_telegramchannel"
    template_name = "telegram_channels/channel_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            channels=selectors.telegram_channel_list(),
            failures=selectors.telegram_failures()[:FAILURES_SHOWN],
            bot_configured=bot_configured(),
            **kwargs,
        )


class ChannelAddView(StaffView, FormView):
    permission_required = "telegram_channels.add_telegramchannel"
    template_name = "telegram_channels/channel_form.html"
    form_class = ChannelAddForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            channel = services.telegram_channel_add(
                chat=data["chat"],
                script=data["script"],
                enabled=data["enabled"],
                by=self.request.user,
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Channel %(chat)s added.") % {"chat": channel.chat})
        return redirect("telegram_channels:detail", pk=channel.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ChannelDetailView(StaffView, FormView):
    """The channel, its posts with Telegram's answers; its settings for who may change them."""

    permission_required = "telegram_channels.view_telegramchannel"
    template_name = "telegram_channels/channel_detail.html"
    form_class = ChannelEditForm

    def dispatch(self, request, *args, **kwargs):
        self.channel = get_object_or_404(TelegramChannel, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"script": self.channel.script, "enabled": self.channel.enabled}

    def get_context_data(self, **kwargs):
        posts = selectors.telegram_channel_posts(channel=self.channel)[:POSTS_SHOWN]
        return super().get_context_data(channel=self.channel, posts=posts, **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(services.PERM_CHANGE):
            return self.handle_no_permission()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.telegram_channel_update(
                channel=self.channel,
                script=data["script"],
                enabled=data["enabled"],
                by=self.request.user,
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Channel saved."))
        return redirect("telegram_channels:detail", pk=self.channel.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ChannelRetryView(StaffView, View):
    """POST: send again what failed in this channel."""

    permission_required = "telegram_channels.post_telegramchannel"
    http_method_names = ["post"]

    def post(self, request, pk):
        channel = get_object_or_404(TelegramChannel, pk=pk)
        ids = services.telegram_posts_retry(channel=channel, by=request.user)
        messages.success(request, _("%(count)d failed posts queued again.") % {"count": len(ids)})
        return redirect("telegram_channels:detail", pk=channel.pk)


class ConferenceAnnounceView(StaffView, View):
    """POST: announce a scheduled conference, with its registration link, in every channel."""

    permission_required = "telegram_channels.post_telegramchannel"
    http_method_names = ["post"]

    def post(self, request, conference_pk):
        conference = get_object_or_404(Conference, pk=conference_pk)
        try:
            ids = services.conference_announce(conference=conference, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if ids:
                messages.success(
                    request,
                    _("Announced in %(count)d Telegram channels.") % {"count": len(ids)},
                )
            else:
                messages.info(request, _("Every enabled channel has this announcement already."))
        return redirect("dashboard:conference_detail", pk=conference.pk)

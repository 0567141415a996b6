from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from relogement.accounts.forms import PasswordChangeForm
from relogement.accounts.middleware import SESSION_KEY
from relogement.accounts.models import Organisation, SecurityEventKind
from relogement.accounts.security_log import record


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Any logged-in user changes their own password (the old one is asked again); the rules are
    AUTH_PASSWORD_VALIDATORS. The session stays open (Django keeps it valid after the change)."""

    template_name = "registration/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")
    success_message = "Votre mot de passe a été modifié."


@require_POST
def switch_organisation(request):
    """Act for another of the user's organisations (only among their memberships: 404 otherwise)."""
    organisation = get_object_or_404(
        Organisation.objects.filter(memberships__user=request.user), pk=request.POST.get("organisation") or 0
    )
    previous = request.user.active_organisation
    request.session[SESSION_KEY] = organisation.pk
    if previous != organisation:
        record(
            SecurityEventKind.ORGANISATION_SWITCH,
            request=request,
            user=request.user,
            detail=f"{previous or '—'} → {organisation.name}",
        )
    messages.success(request, f"Vous agissez maintenant pour « {organisation.name} ».")
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return HttpResponseRedirect(target)

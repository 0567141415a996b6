"""The organisation's API tokens page (/api/jetons/): list, create (the secret is shown once), revoke.

For the people ``can_manage_api_tokens`` allows, for the organisation they act for; 404 for anyone
else, like any page outside one's rights.
"""

from django import forms
from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from relogement.api.models import ApiToken
from relogement.api.tokens import NAME_MAX_LENGTH, api_token_create, api_token_revoke
from relogement.core.errors import DomainError
from relogement.permissions.predicates import can_manage_api_tokens
from relogement.permissions.scopes import organisation_of


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=NAME_MAX_LENGTH,
        help_text="Le logiciel ou le partenaire qui l'utilisera, par exemple « Logiciel de gestion locative ».",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    expires_on = forms.DateField(
        label="Valable jusqu'au (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


def _organisation(request):
    if not can_manage_api_tokens(request.user):
        raise Http404
    return organisation_of(request.user)


def token_list(request):
    organisation = _organisation(request)
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = api_token_create(
                organisation=organisation,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            # Rendered, not redirected: the secret must not travel through the session or a message.
            created = {"token": token, "key": key}
            form = TokenForm()
    tokens = ApiToken.objects.filter(organisation=organisation).select_related("created_by", "revoked_by")
    return render(
        request,
        "api/token_list.html",
        {
            "organisation": organisation,
            "tokens": tokens.order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-pk"),
            "form": form,
            "created": created,
            "breadcrumbs": [{"label": "Jetons d'API", "url": ""}],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def token_revoke(request, pk):
    organisation = _organisation(request)
    token = get_object_or_404(ApiToken.objects.filter(organisation=organisation), pk=pk)
    try:
        api_token_revoke(token=token, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Jeton « {token.name} » révoqué : ses requêtes sont désormais refusées.")
    return redirect("api:tokens")

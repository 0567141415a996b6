"""The OpenAPI schema (/api/schema/) and the documentation page (/api/docs/), both from local assets.

The schema answers a partner system (its token) as well as a signed-in person (the page reads it with
the session cookie). The page is Swagger UI from drf-spectacular-sidecar, in the "split" form: its
start-up script is a file served by the same view (``?script``), not an inline script, so the page
keeps the application's Content-Security-Policy; the template differs from the library's only in
moving its three inline style rules to a static file.
"""

from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from relogement.api import schema  # noqa: F401  (registers the token scheme: an extension is found by being imported)
from relogement.api.authentication import OrganisationTokenAuthentication


# Like every DRF view, exempt from LoginRequiredMiddleware: a token or a session, else 401.
class SchemaView(SpectacularAPIView):
    authentication_classes = [OrganisationTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    throttle_classes = []


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []
    url_name = "api:schema"
    template_name = "api/swagger_ui.html"
    title = "API Relogement — documentation"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # DRF exempts its views from LoginRequiredMiddleware; this one is a page for people, who sign
        # in first like on every other page.
        view.login_required = True
        return view

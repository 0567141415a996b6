class ContentSecurityPolicyMiddleware:
    """A strict CSP: every asset is served from this origin, no inline script (htmx is configured by
    a meta tag and behaviour is hooked on data-* attributes). The Django admin gets it too: the admin
    templates of Django 5.2 load every script from files (their constants in data-* attributes), so
    it works under this policy (tests/accounts/test_sessions_and_passwords.py)."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
        "object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        return response

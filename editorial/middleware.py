"""The interface speaks Simplified Chinese unless the visitor chose another language."""


class ChosenLanguageOnlyMiddleware:
    """Drop the browser's Accept-Language before LocaleMiddleware reads it.

    The digest is a Chinese publication: its interface is Chinese by default for everyone,
    whatever the browser says, and English only for a visitor who picked it with the language
    switch (Django's language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

"""Log in and log out in the product's own look."""

from django.contrib.auth import views as auth_views
from django.views.decorators.http import require_POST

login_view = auth_views.LoginView.as_view(
    template_name="registration/login.html", redirect_authenticated_user=True
)
logout_view = require_POST(auth_views.LogoutView.as_view())

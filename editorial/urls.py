"""Editorial screens (namespace "editorial"): dashboard, composer, review."""

from django.urls import path

from editorial.views import composer

app_name = "editorial"

urlpatterns = [
    path("", composer.dashboard, name="dashboard"),
    path("issues/<int:year>/<int:number>/", composer.composer, name="composer"),
]

"""WeChat routes, included by editorial/compose/urls.py inside the "editorial" namespace."""

from django.urls import path

from editorial.wechat import views

urlpatterns = [
    path("issues/<int:year>/<int:number>/wechat/", views.wechat, name="wechat"),
    path("issues/<int:year>/<int:number>/wechat.html", views.wechat_html, name="wechat_html"),
]

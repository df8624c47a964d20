from django.urls import path

from greencert.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify/<str:number>", views.verify, name="verify"),
]

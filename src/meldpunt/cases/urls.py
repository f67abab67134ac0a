from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("zaken", views.case_list, name="case-list"),
    path("zaken/<uuid:public_id>", views.case_detail, name="case-detail"),
    path("zaken/<uuid:public_id>/toewijzen", views.case_assign_view, name="case-assign"),
]

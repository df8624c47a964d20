"""Supervision pages under /supervision/ (mounted by greencert.urls)."""

from django.urls import path

from greencert.supervision import views

app_name = "supervision"

urlpatterns = [
    path("blacklist/", views.blacklist, name="blacklist"),
    path("blacklist/<int:pk>/apply/", views.blacklist_apply, name="blacklist_apply"),
    path("credit/<str:code>/", views.credit, name="credit"),
    path("inspections/", views.plans, name="plans"),
    path("inspections/<str:code>/", views.plan_detail, name="plan"),
    path("inspections/<str:code>/draw.json", views.plan_draw, name="plan_draw"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/track/", views.complaint_track, name="complaint_track"),
    path("complaints/<str:code>/", views.complaint_status, name="complaint"),
    path("office/", views.office, name="office"),
    path("office/blacklist/", views.office_blacklist_new, name="office_blacklist_new"),
    path(
        "office/blacklist/<int:pk>/remove/",
        views.office_blacklist_remove,
        name="office_blacklist_remove",
    ),
    path(
        "office/early-removal/<int:pk>/",
        views.office_early_removal_decide,
        name="office_early_removal_decide",
    ),
    path("office/credit/", views.office_credit_new, name="office_credit_new"),
    path("office/credit/<int:pk>/repair/", views.office_credit_repair, name="office_credit_repair"),
    path("office/complaints/<str:code>/", views.office_complaint, name="office_complaint"),
    path(
        "office/complaints/<str:code>/<slug:step>/",
        views.office_complaint_step,
        name="office_complaint_step",
    ),
    path("office/orders/", views.office_orders, name="office_orders"),
    path("office/orders/new/<str:number>/", views.office_order_new, name="office_order_new"),
    path(
        "office/orders/<str:number>/withdraw/",
        views.office_order_withdraw,
        name="office_order_withdraw",
    ),
    path("office/plans/new/", views.office_plan_new, name="office_plan_new"),
    path("office/inspectors/", views.office_inspectors, name="office_inspectors"),
    path("office/inspectors/<str:code>/", views.office_inspector, name="office_inspector"),
    path("office/inspections/<str:code>/", views.office_plan, name="office_plan"),
    path(
        "office/inspections/<str:code>/<slug:step>/",
        views.office_plan_step,
        name="office_plan_step",
    ),
]

from django.urls import path, re_path

from greencert.marks import views

app_name = "marks"

urlpatterns = [
    re_path(
        r"^certificates/(?P<number>[^/]+)/mark\.(?P<fmt>svg|png|pdf)$",
        views.certificate_mark_view,
        name="certificate-mark",
    ),
    path(
        "certificates/<str:number>/certificate.pdf",
        views.certificate_pdf_view,
        name="certificate-pdf",
    ),
    re_path(
        r"^marks/products/(?P<credit_code>[0-9A-Za-z]{18})/(?P<model>.+)/mark\.(?P<fmt>svg|png|pdf)$",
        views.product_mark_view,
        name="product-mark",
    ),
    re_path(
        r"^marks/products/(?P<credit_code>[0-9A-Za-z]{18})/(?P<model>.+)$",
        views.product_verify_view,
        name="product-verify",
    ),
    # What the QR codes carry: short, uppercase, alphanumeric-mode paths (see marks/qr.py).
    path("V/<str:number>", views.certificate_scan_view, name="certificate-scan"),
    path("v/<str:number>", views.certificate_scan_view),
    re_path(
        r"^[Pp]/(?P<credit_code>[0-9A-Za-z]{18})/(?P<model>.+)$",
        views.product_scan_view,
        name="product-scan",
    ),
    path(".well-known/did.json", views.did_document_view, name="did-document"),
    path(".well-known/jwks.json", views.jwks_view, name="jwks"),
    path("credentials/status/<slug:purpose>", views.status_list_view, name="status-list"),
    path(
        "credentials/status/<slug:purpose>/<int:block>",
        views.status_list_view,
        name="status-list-block",
    ),
]

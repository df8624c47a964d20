from django.urls import path

from greencert.portal import catalog_views, opendata_views, search_views, statistics_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify/<str:number>", views.verify, name="verify"),
    path("search", search_views.search_page, name="search"),
    path("catalog/", catalog_views.catalog_page, name="catalog"),
    path("statistics/", statistics_views.statistics_page, name="statistics"),
    path("statistics/<slug:name>.csv", statistics_views.chart_csv, name="chart_csv"),
    path("statistics/targets/new", statistics_views.new_target, name="new_target"),
    path("open-data/", opendata_views.open_data_page, name="open_data"),
    path("open-data/<str:name>", opendata_views.open_data_file, name="open_data_file"),
]

from django.urls import path

from greencert.portal.views import catalog, opendata, search, statistics, verify

app_name = "portal"

urlpatterns = [
    path("", verify.home, name="home"),
    # A body's own number may hold a slash (data/body_numbers.yaml allows one).
    path("verify/<path:number>", verify.verify, name="verify"),
    path("search", search.search_page, name="search"),
    path("catalog/", catalog.catalog_page, name="catalog"),
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/<slug:name>.csv", statistics.chart_csv, name="chart_csv"),
    path("statistics/targets/new", statistics.new_target, name="new_target"),
    path("open-data/", opendata.open_data_page, name="open_data"),
    path("transparency-log", verify.transparency_log, name="transparency_log"),
    path("open-data/<str:name>", opendata.open_data_file, name="open_data_file"),
]

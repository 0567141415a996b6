app_name = "rehousing"
urlpatterns: list = []

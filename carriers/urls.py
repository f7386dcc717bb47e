app_name = "carriers"

urlpatterns: list = []

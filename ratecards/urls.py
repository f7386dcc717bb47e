app_name = "ratecards"

urlpatterns: list = []

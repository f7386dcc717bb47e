app_name = "servers"

urlpatterns: list = []

"""The API's routes, one ``Router`` per resource; a function's handler includes the routers it serves
(template.yaml declares the same routes as the function's events; a test keeps the two equal)."""

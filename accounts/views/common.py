def posted(request):
    """The submitted data on a POST (even an empty one, so that its errors show), None otherwise."""
    return request.POST if request.method == "POST" else None

def apply(request, year, pk=None):
    raise NotImplementedError


mine = withdraw = review_list = review = apply

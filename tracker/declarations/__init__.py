"""EDT's DfE declarations: the list met outputs produce, and the states DfE reports for them."""

"""One module per screen; dialogs and forms beside them."""

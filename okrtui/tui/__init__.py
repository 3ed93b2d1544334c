"""The Textual app: the app, its workspace and state, the screens' service facade, screens and widgets."""

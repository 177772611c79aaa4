"""ptmx: explore pre-trained-model supply chains (PeaTMOSS + the Hugging Face Hub) from the terminal."""

__version__ = "0.1.0"

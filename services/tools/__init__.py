"""Command-line tools for people around the pipeline: publishing agency files, reading alerts."""

"""Every image: file types and SVG safety, logo checks and sizes, Pillow and the image cache, drawn monograms and cards, fonts, brand colours."""

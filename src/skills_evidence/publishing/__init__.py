"""Publishing: assembling an edition's Quarto project, rendering it (Quarto, or the Pandoc/Typst
fallback), the editions website, byte-reproducibility and re-verifying published editions."""

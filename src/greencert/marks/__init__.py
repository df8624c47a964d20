"""The unified mark (统一标识): artwork, QR codes, signed credentials, status lists and receipts."""

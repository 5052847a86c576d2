"""Import from other CRMs (HubSpot, Pipedrive, Salesforce, SuperOffice): profiles, value mapping, importers."""

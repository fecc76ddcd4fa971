// Renders the OpenAPI document of this server with the bundled Swagger UI.
window.addEventListener("load", function () {
  window.SwaggerUIBundle({ url: "/api/v1/openapi.json", dom_id: "#api-docs", deepLinking: true });
});

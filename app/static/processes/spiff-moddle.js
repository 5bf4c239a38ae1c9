/* The SpiffWorkflow extension elements the diagrams use, as a moddle descriptor, so bpmn-js reads and
   writes them as typed objects (spiffworkflow:properties/property, calledDecisionId, scripts, payloads). */
window.SPIFF_MODDLE = {
  name: 'SpiffWorkflow',
  prefix: 'spiffworkflow',
  uri: 'http://spiffworkflow.org/bpmn/schema/1.0/core',
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  types: [
    { name: 'Properties', superClass: ['Element'],
      properties: [{ name: 'properties', type: 'Property', isMany: true }] },
    { name: 'Property', superClass: ['Element'],
      properties: [{ name: 'name', type: 'String', isAttr: true }, { name: 'value', type: 'String', isAttr: true }] },
    { name: 'CalledDecisionId', superClass: ['Element'], properties: [{ name: 'value', type: 'String', isBody: true }] },
    { name: 'PreScript', superClass: ['Element'], properties: [{ name: 'value', type: 'String', isBody: true }] },
    { name: 'PostScript', superClass: ['Element'], properties: [{ name: 'value', type: 'String', isBody: true }] },
    { name: 'PayloadExpression', superClass: ['Element'], properties: [{ name: 'value', type: 'String', isBody: true }] },
    { name: 'InstructionsForEndUser', superClass: ['Element'], properties: [{ name: 'value', type: 'String', isBody: true }] }
  ]
};
